// Keys over the keys table (storage/schema.cc, step 1).
//
// The private key is sealed by the MasterKey before it reaches SQL, with
// associated data naming the row it belongs to (list, selector,
// algorithm): a sealed blob copied onto another list's row, or relabelled
// as another selector, fails to open instead of signing for the wrong
// domain. The clear PEM lives only in memory, in Add's argument and in
// PrivateKeyPem's result (base::SecretBytes: out of core dumps, wiped).
#include "storage/key_repository.h"
#include "storage/scopes.h"

#include <utility>

namespace storage {

using base::Ok;

namespace {

// RFC 6376 section 3.1: a selector is one or more dot-separated DNS
// labels. Checking it here also keeps the associated data below
// unambiguous (no separator can hide inside a field).
bool IsSelector(std::string_view selector) {
  if (selector.empty() || selector.size() > 253) return false;
  size_t label = 0;
  for (size_t i = 0; i <= selector.size(); ++i) {
    if (i == selector.size() || selector[i] == '.') {
      if (label == 0 || label > 63) return false;
      label = 0;
      continue;
    }
    const char c = selector[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
    ++label;
  }
  return true;
}

// What a sealed private key is bound to. Versioned so that a later change
// of binding can still open keys sealed under this one.
std::string AssociatedData(int64_t list_id, std::string_view selector, std::string_view algorithm) {
  std::string data = "listd key v1\n";
  data += std::to_string(list_id);
  data += '\n';
  data += selector;
  data += '\n';
  data += algorithm;
  return data;
}

std::string KeyName(int64_t key_id) { return "key " + std::to_string(key_id); }

// Reads a row of "SELECT id, list_id, selector, algorithm, bits,
// public_key, state, created_at, activated_at, retired_at".
KeyRecord ReadKey(const Statement& row) {
  KeyRecord key;
  key.id = row.ColumnInt(0);
  key.list_id = row.ColumnInt(1);
  key.selector = row.ColumnText(2);
  // The schema's CHECK admits only the spellings ParseKeyAlgorithm knows.
  key.algorithm = ParseKeyAlgorithm(row.ColumnText(3)).value_or(KeyAlgorithm::kRsa);
  key.bits = static_cast<int>(row.ColumnInt(4));
  key.public_key = row.ColumnText(5);
  // The schema's CHECK admits only the spellings ParseKeyState knows.
  key.state = ParseKeyState(row.ColumnText(6)).value_or(KeyState::kGenerated);
  key.created_at = row.ColumnInt(7);
  key.activated_at = row.ColumnOptionalInt(8);
  key.retired_at = row.ColumnOptionalInt(9);
  return key;
}

Result<std::vector<KeyRecord>> ReadKeys(Statement& statement, const std::string& what) {
  ResetOnExit reset(statement);
  std::vector<KeyRecord> keys;
  while (true) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    keys.push_back(ReadKey(statement));
  }
  return keys;
}

}  // namespace

std::string_view ToString(KeyState state) {
  switch (state) {
    case KeyState::kGenerated:
      return "generated";
    case KeyState::kActive:
      return "active";
    case KeyState::kRetired:
      return "retired";
  }
  return "generated";
}

std::optional<KeyState> ParseKeyState(std::string_view text) {
  if (text == "generated") return KeyState::kGenerated;
  if (text == "active") return KeyState::kActive;
  if (text == "retired") return KeyState::kRetired;
  return std::nullopt;
}

std::string_view ToString(KeyAlgorithm algorithm) {
  return algorithm == KeyAlgorithm::kEd25519 ? "ed25519" : "rsa";
}

std::optional<KeyAlgorithm> ParseKeyAlgorithm(std::string_view text) {
  if (text == "rsa") return KeyAlgorithm::kRsa;
  if (text == "ed25519") return KeyAlgorithm::kEd25519;
  return std::nullopt;
}

Result<KeyRecord> KeyRepository::Add(int64_t list_id, const std::string& selector,
                                     KeyAlgorithm algorithm_id, int bits,
                                     const std::string& public_key,
                                     std::string_view private_key_pem, int64_t now) {
  const std::string algorithm(ToString(algorithm_id));
  const std::string what = "storing the " + algorithm + " key with selector '" + selector +
                           "' of list " + std::to_string(list_id);
  if (!IsSelector(selector)) {
    return Error{base::ErrorKind::kInvalid, what + ": '" + selector +
                                                "' is not a valid selector (DNS labels: letters, " +
                                                "digits, '-', '_', separated by dots)"};
  }
  if (private_key_pem.empty()) return base::Invalid(what + ": the private key is empty");
  const std::string sealed =
      master_.Seal(private_key_pem, AssociatedData(list_id, selector, algorithm));

  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> insert = db_.Prepare(
      "INSERT INTO keys (list_id, selector, algorithm, bits, public_key, private_key_sealed, "
      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
      "ON CONFLICT (list_id, selector, algorithm) DO NOTHING");
  if (!insert) return insert.failure().Prefixed(what);
  Status ran = (*insert)
                   ->Bind(1, list_id)
                   .Bind(2, selector)
                   .Bind(3, algorithm)
                   .Bind(4, static_cast<int64_t>(bits))
                   .Bind(5, public_key)
                   .BindBlob(6, sealed)
                   .Bind(7, now)
                   .Run();
  if (!ran) return ran.failure().Prefixed(what);
  if (db_.Changes() == 0) {
    return Error{base::ErrorKind::kConflict, "list " + std::to_string(list_id) +
                                                 " already has an " + algorithm +
                                                 " key with selector '" + selector + "'"};
  }
  KeyRecord key;
  key.id = db_.LastInsertId();
  key.list_id = list_id;
  key.selector = selector;
  key.algorithm = algorithm_id;
  key.bits = bits;
  key.public_key = public_key;
  key.state = KeyState::kGenerated;
  key.created_at = now;
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return key;
}

Result<std::vector<KeyRecord>> KeyRepository::ForList(int64_t list_id,
                                                      const std::optional<std::string>& selector) {
  const std::string what = "listing the keys of list " + std::to_string(list_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT id, list_id, selector, algorithm, bits, public_key, state, created_at, "
      "activated_at, retired_at FROM keys WHERE list_id = ?1 AND (?2 IS NULL OR selector = ?2) "
      "ORDER BY created_at DESC, id DESC");
  if (!query) return query.failure().Prefixed(what);
  (*query)->Bind(1, list_id).Bind(2, selector);
  return ReadKeys(**query, what);
}

Result<std::vector<KeyRecord>> KeyRepository::Active(int64_t list_id) {
  const std::string what = "listing the active keys of list " + std::to_string(list_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT id, list_id, selector, algorithm, bits, public_key, state, created_at, "
      "activated_at, retired_at FROM keys WHERE list_id = ?1 AND state = 'active' "
      "ORDER BY activated_at DESC, id DESC");
  if (!query) return query.failure().Prefixed(what);
  (*query)->Bind(1, list_id);
  return ReadKeys(**query, what);
}

Status KeyRepository::SetState(int64_t key_id, KeyState state, int64_t now) {
  const std::string what = "setting " + KeyName(key_id) + " to " + std::string(ToString(state));
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  // The timestamps tell the rollover's story: when the key began signing
  // and when it stopped. Setting the state a key already has keeps its
  // time; activating again (undoing a retirement) clears the retirement.
  // Which moves are allowed is the key service's policy, not the store's.
  // (In an UPDATE, "state" on the right-hand side is the old value.)
  Result<Statement*> update = db_.Prepare(
      "UPDATE keys SET state = ?2, "
      "activated_at = CASE WHEN ?2 = 'active' AND state != 'active' THEN ?3 "
      "WHEN ?2 = 'generated' THEN NULL ELSE activated_at END, "
      "retired_at = CASE WHEN ?2 = 'retired' AND state != 'retired' THEN ?3 "
      "WHEN ?2 = 'retired' THEN retired_at ELSE NULL END "
      "WHERE id = ?1");
  if (!update) return update.failure().Prefixed(what);
  Status ran = (*update)->Bind(1, key_id).Bind(2, ToString(state)).Bind(3, now).Run();
  if (!ran) return ran.failure().Prefixed(what);
  if (db_.Changes() == 0) return base::NotFound(KeyName(key_id) + " does not exist");
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return Ok();
}

Status KeyRepository::Remove(int64_t key_id) {
  const std::string what = "removing " + KeyName(key_id);
  return WriteOne(
      db_, what, "DELETE FROM keys WHERE id = ?1", [&](Statement& s) { s.Bind(1, key_id); },
      KeyName(key_id) + " does not exist");
}

Result<base::SecretBytes> KeyRepository::PrivateKeyPem(int64_t key_id) {
  const std::string what = "reading the private key of " + KeyName(key_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT list_id, selector, algorithm, private_key_sealed FROM keys WHERE id = ?1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, key_id);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return base::NotFound(KeyName(key_id) + " does not exist");
  const std::string selector = statement.ColumnText(1);
  const std::string algorithm = statement.ColumnText(2);
  Result<base::SecretBytes> pem = master_.Open(
      statement.ColumnBlob(3), AssociatedData(statement.ColumnInt(0), selector, algorithm));
  if (!pem) {
    return Error{"cannot open the private key of " + KeyName(key_id) + " (" + algorithm +
                 ", selector '" + selector + "'): " + pem.error() +
                 " (wrong master key file, or the row was altered)"};
  }
  return std::move(pem).value();
}

}  // namespace storage
