// The schema steps. Conventions: times are seconds since the epoch
// (INTEGER), enumerations are TEXT checked against their spellings, every
// table that belongs to a list cascades on the list's removal.
#include "storage/schema.h"

namespace storage {

const std::vector<std::string_view>& SchemaSteps() {
  static const std::vector<std::string_view> steps = {
      // 1: lists, their settings, members, keys, the events log.
      R"sql(
CREATE TABLE lists (
  id           INTEGER PRIMARY KEY,
  local_part   TEXT NOT NULL,
  domain       TEXT NOT NULL CHECK (domain = lower(domain)),
  display_name TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  UNIQUE (local_part, domain)
);
CREATE TABLE list_settings (
  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  value   TEXT NOT NULL,
  PRIMARY KEY (list_id, name)
) WITHOUT ROWID;
CREATE TABLE members (
  id            INTEGER PRIMARY KEY,
  list_id       INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  local_part    TEXT NOT NULL,
  domain        TEXT NOT NULL CHECK (domain = lower(domain)),
  display_name  TEXT NOT NULL DEFAULT '',
  role          TEXT NOT NULL DEFAULT 'member'
                CHECK (role IN ('member', 'moderator', 'owner')),
  delivery      TEXT NOT NULL DEFAULT 'enabled'
                CHECK (delivery IN ('enabled', 'disabled-by-bounce', 'disabled-by-user')),
  bounce_score  REAL NOT NULL DEFAULT 0,
  subscribed_at INTEGER NOT NULL,
  UNIQUE (list_id, domain, local_part)
);
CREATE TABLE keys (
  id                 INTEGER PRIMARY KEY,
  list_id            INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  selector           TEXT NOT NULL,
  algorithm          TEXT NOT NULL CHECK (algorithm IN ('rsa', 'ed25519')),
  bits               INTEGER NOT NULL,
  public_key         TEXT NOT NULL,
  private_key_sealed BLOB NOT NULL,
  state              TEXT NOT NULL DEFAULT 'generated'
                     CHECK (state IN ('generated', 'active', 'retired')),
  created_at         INTEGER NOT NULL,
  activated_at       INTEGER,
  retired_at         INTEGER,
  UNIQUE (list_id, selector, algorithm)
);
CREATE TABLE events (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  list_id INTEGER REFERENCES lists(id) ON DELETE SET NULL,
  action  TEXT NOT NULL,
  detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_by_list ON events (list_id, id);
)sql",
      // 2: what the daemon and the confirmation flows use: tokens, the
      // spool, delivery batches, held posts.
      R"sql(
CREATE TABLE tokens (
  id         INTEGER PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  list_id    INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  purpose    TEXT NOT NULL,
  address    TEXT NOT NULL,
  payload    TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE TABLE spool (
  id            INTEGER PRIMARY KEY,
  list_id       INTEGER REFERENCES lists(id) ON DELETE SET NULL,
  envelope_from TEXT NOT NULL,
  recipient     TEXT NOT NULL,
  message       BLOB NOT NULL,
  state         TEXT NOT NULL DEFAULT 'received'
                CHECK (state IN ('received', 'processed', 'held', 'rejected', 'discarded', 'failed')),
  reason        TEXT NOT NULL DEFAULT '',
  received_at   INTEGER NOT NULL
);
CREATE INDEX spool_by_state ON spool (state, id);
CREATE TABLE delivery_batches (
  id              INTEGER PRIMARY KEY,
  post_id         INTEGER NOT NULL REFERENCES spool(id) ON DELETE CASCADE,
  message         BLOB NOT NULL,
  envelope_from   TEXT NOT NULL,
  recipients      TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX batches_due ON delivery_batches (next_attempt_at, id);
CREATE TABLE held (
  id      INTEGER PRIMARY KEY,
  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  post_id INTEGER NOT NULL REFERENCES spool(id) ON DELETE CASCADE,
  reason  TEXT NOT NULL,
  sender  TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  held_at INTEGER NOT NULL
);
CREATE INDEX held_by_list ON held (list_id, id);
)sql",
      // 3: a delivery worker's claim on a batch is a lease of its own, apart
      // from the retry schedule, so that a restarted daemon can release the
      // claims a killed one left without losing the backoff of the rest;
      // and a batch knows when it was queued, since delivery gives up days
      // after that, not after the post arrived (a post held for a week is
      // queued only when approved).
      R"sql(
ALTER TABLE delivery_batches ADD COLUMN leased_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE delivery_batches ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
)sql",
      // 4: a member's address compares without regard to the case of its
      // local part too, as Mailman and every major provider compare it
      // (the local part is kept as first given). Rows of one list that
      // differ only in that case are merged: the oldest stays (with the
      // most privileged role of the group, so no owner is lost), each row
      // merged away is an event, and a unique index keeps it so. lower()
      // folds ASCII only, as base::LowerAscii does.
      R"sql(
CREATE TEMP TABLE member_merges AS
  SELECT m.id AS id, m.list_id AS list_id,
         m.local_part || '@' || m.domain AS address,
         k.id AS keep_id, k.local_part || '@' || k.domain AS kept
  FROM members m JOIN members k
    ON k.list_id = m.list_id AND k.domain = m.domain AND lower(k.local_part) = lower(m.local_part)
  WHERE k.id = (SELECT x.id FROM members x
                WHERE x.list_id = m.list_id AND x.domain = m.domain
                  AND lower(x.local_part) = lower(m.local_part)
                ORDER BY x.subscribed_at, x.id LIMIT 1)
    AND m.id != k.id;
UPDATE members SET role =
  (SELECT CASE max(CASE g.role WHEN 'owner' THEN 3 WHEN 'moderator' THEN 2 ELSE 1 END)
            WHEN 3 THEN 'owner' WHEN 2 THEN 'moderator' ELSE 'member' END
   FROM members g
   WHERE g.list_id = members.list_id AND g.domain = members.domain
     AND lower(g.local_part) = lower(members.local_part))
  WHERE id IN (SELECT keep_id FROM member_merges);
INSERT INTO events (at, actor, list_id, action, detail)
  SELECT CAST(strftime('%s', 'now') AS INTEGER), 'listd:migration', list_id, 'member.merge',
         'merged ' || address || ' into ' || kept ||
         ' (the same address but for the case of its local part)'
  FROM member_merges ORDER BY id;
DELETE FROM members WHERE id IN (SELECT id FROM member_merges);
DROP TABLE member_merges;
CREATE UNIQUE INDEX members_by_address_nocase ON members (list_id, domain, lower(local_part));
)sql",
      // 5: admission on authenticated identity. A member whose posts are
      // always held (moderated); bans, per list or site-wide (list_id
      // NULL), of an exact address or a domain glob ("*@spam.example", or
      // "*@*.spam.example" for its subdomains: storage/ban_repository.h),
      // unique whatever their case; and posting_auth: new lists default to
      // "aligned" (a member's post must carry an authenticated From), but
      // every list that exists now keeps today's behaviour, "from", until
      // an admin says otherwise.
      R"sql(
ALTER TABLE members ADD COLUMN moderated INTEGER NOT NULL DEFAULT 0 CHECK (moderated IN (0, 1));
CREATE TABLE bans (
  id         INTEGER PRIMARY KEY,
  list_id    INTEGER REFERENCES lists(id) ON DELETE CASCADE,
  pattern    TEXT NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX bans_by_pattern ON bans (ifnull(list_id, 0), lower(pattern));
INSERT OR IGNORE INTO list_settings (list_id, name, value)
  SELECT id, 'posting_auth', 'from' FROM lists;
)sql",
      // 6: the subscription flows. A request is someone's wish to join or
      // leave a list, waiting for them to confirm it (their confirmation
      // token points at it) or for a moderator to decide; one per (list,
      // address, action), the address compared as members' are. The mail
      // log counts the mail listd writes on its own (confirmations, command
      // replies, notices) per list, kind and recipient, so that the hourly
      // caps and the one-confirmation-per-hour rule are one indexed count.
      R"sql(
CREATE TABLE requests (
  id           INTEGER PRIMARY KEY,
  list_id      INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  local_part   TEXT NOT NULL,
  domain       TEXT NOT NULL CHECK (domain = lower(domain)),
  display_name TEXT NOT NULL DEFAULT '',
  action       TEXT NOT NULL CHECK (action IN ('join', 'leave')),
  state        TEXT NOT NULL CHECK (state IN ('confirming', 'moderating')),
  via          TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX requests_by_address
  ON requests (list_id, domain, lower(local_part), action);
CREATE TABLE mail_log (
  id      INTEGER PRIMARY KEY,
  list_id INTEGER REFERENCES lists(id) ON DELETE CASCADE,
  kind    TEXT NOT NULL,
  address TEXT NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE INDEX mail_log_by_kind ON mail_log (kind, sent_at);
CREATE INDEX mail_log_by_address ON mail_log (address, kind, sent_at);
CREATE INDEX tokens_by_payload ON tokens (purpose, payload);
)sql",
      // 7: bounce processing. A member's bounce state beside the score
      // on members (Mailman's bounce info): the last permanent failure that
      // scored, the probe sent to confirm a dead address, when delivery was
      // disabled by bounces, whether the owners were told, and the warnings
      // sent since. A row exists only for a member whose mail failed, so
      // the periodic work reads a few rows, never the whole roster. The
      // bounces no member could be found for wait in unrecognized_bounces
      // for the owners' daily digest (digested_at NULL until sent). A member
      // already disabled by bounces gets a row, disabled now, so the
      // warnings and the removal reach them too.
      R"sql(
CREATE TABLE bounce_info (
  member_id       INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
  last_failure_at INTEGER NOT NULL DEFAULT 0,
  last_failure    TEXT NOT NULL DEFAULT '',
  probe           TEXT NOT NULL DEFAULT 'none' CHECK (probe IN ('none', 'due', 'sent')),
  probe_sent_at   INTEGER NOT NULL DEFAULT 0,
  disabled_at     INTEGER NOT NULL DEFAULT 0,
  owners_told     INTEGER NOT NULL DEFAULT 0 CHECK (owners_told IN (0, 1)),
  warnings_sent   INTEGER NOT NULL DEFAULT 0,
  last_warning_at INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE unrecognized_bounces (
  id          INTEGER PRIMARY KEY,
  list_id     INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  post_id     INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  summary     TEXT NOT NULL,
  digested_at INTEGER
);
CREATE INDEX unrecognized_bounces_by_list ON unrecognized_bounces (list_id, digested_at);
INSERT INTO bounce_info (member_id, disabled_at)
  SELECT id, CAST(strftime('%s', 'now') AS INTEGER) FROM members
  WHERE delivery = 'disabled-by-bounce';
)sql",
      // 8: a message the smarthost refuses (a 5xx to MAIL, DATA or the end
      // of data: a verdict on the sender or the content, not on a member)
      // is held for the owners instead of failing: the hold says so (kind
      // 'refused'), and the batches it stopped are parked, keeping their
      // recipients, until an owner releases them (only those recipients
      // are sent to again) or drops them.
      R"sql(
ALTER TABLE held ADD COLUMN kind TEXT NOT NULL DEFAULT 'moderation'
  CHECK (kind IN ('moderation', 'refused'));
ALTER TABLE delivery_batches ADD COLUMN parked INTEGER NOT NULL DEFAULT 0
  CHECK (parked IN (0, 1));
CREATE INDEX held_by_post ON held (post_id);
CREATE INDEX batches_by_post ON delivery_batches (post_id);
)sql",
      // 9: the web face's accounts. A web user is an address (unique
      // whatever its case; lower() folds ASCII, as base::LowerAscii does)
      // with an Argon2id password hash in its encoded form, or none yet,
      // and maybe the site admin's flag; a list's owners and moderators
      // are its members with those roles, so they need no row here until
      // they set a password. Sessions, API tokens and one-time password
      // links keep only the SHA-256 of their secret (token_hash.h). An API
      // token is the site's (no list, no role) or one list's with a role,
      // and goes with its list. The partial index finds the lists where an
      // address is owner or moderator, on every list at once.
      R"sql(
CREATE TABLE web_users (
  id            INTEGER PRIMARY KEY,
  address       TEXT NOT NULL,
  password_hash TEXT,
  site_admin    INTEGER NOT NULL DEFAULT 0 CHECK (site_admin IN (0, 1)),
  created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX web_users_by_address ON web_users (lower(address));
CREATE TABLE web_sessions (
  id           INTEGER PRIMARY KEY,
  session_hash BLOB NOT NULL UNIQUE,
  user_id      INTEGER NOT NULL REFERENCES web_users(id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  closed_at    INTEGER
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  token_hash   BLOB NOT NULL UNIQUE,
  name         TEXT NOT NULL DEFAULT '',
  list_id      INTEGER REFERENCES lists(id) ON DELETE CASCADE,
  role         TEXT CHECK (role IN ('owner', 'moderator')),
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER,
  CHECK ((list_id IS NULL) = (role IS NULL))
);
CREATE TABLE password_links (
  id         INTEGER PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  address    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX password_links_by_address ON password_links (lower(address), created_at);
CREATE INDEX members_privileged_by_address ON members (domain, lower(local_part))
  WHERE role IN ('owner', 'moderator');
)sql",
      // 10: the REST API's member pages (MemberRepository::Page): a filter
      // by role, by delivery state or by both walks an index already in
      // address order, so a page of a 100,000-member list needs no sort,
      // and the address substring is tested on the index's own columns
      // (no table row is read for a member the page skips). The
      // unfiltered order is the UNIQUE (list_id, domain, local_part) index.
      R"sql(
CREATE INDEX members_by_role ON members (list_id, role, domain, local_part);
CREATE INDEX members_by_delivery ON members (list_id, delivery, domain, local_part);
CREATE INDEX members_by_role_delivery ON members (list_id, role, delivery, domain, local_part);
)sql",
      // 11: per-list secrets, sealed under the master key as private keys
      // are (list_secret_repository.h): the MAC key of the list's
      // unsubscribe and preferences links, so a link needs no row of its
      // own and rotating the secret revokes every link at once. The mail
      // log remembers which web client asked for a confirmation (''
      // for mail and listctl), so the per-client cap is a count over the
      // same rows as the per-list and per-address ones.
      R"sql(
CREATE TABLE list_secrets (
  list_id       INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  purpose       TEXT NOT NULL,
  secret_sealed BLOB NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (list_id, purpose)
) WITHOUT ROWID;
ALTER TABLE mail_log ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX mail_log_by_client ON mail_log (client, sent_at);
)sql",
  };
  return steps;
}

}  // namespace storage
