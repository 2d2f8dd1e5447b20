// Stage 2, authenticate: verifies every DKIM signature of a post as it
// arrived and takes out the Authentication-Results fields that claim to be
// ours, so that the only such field a reader ever sees is the one stage 3
// (record.h) writes.
//
// Contract: Authenticate() is pure apart from the key lookups it makes
// through `keys` (DNS in the daemon, a StaticTxtResolver in tests) and takes
// its time from the options. It fails only when the post cannot be parsed
// as a message at all; the caller then holds the post with that reason
// (DESIGN.md: a post that cannot be processed is held, never dropped).
// Thread-safety: as the KeyResolver passed in (one per pipeline thread).
//
// ORDER: VERIFY FIRST, THEN REMOVE
//   Signatures are verified over the bytes as received, and forged fields
//   are removed afterwards. RFC 6377 section 5.6 asks a list to report "the
//   signature(s) observed on the submission as it arrived at the MLM", and
//   DESIGN.md has verification happen before any change; RFC 6376 section
//   5.4 lets a signer cover any field present when it signed. RFC 8601
//   section 5 only requires the removal to happen before we add our own
//   field, which record.h does after this stage. The two orders differ only
//   for a signature whose h= names Authentication-Results: one that covered
//   a field claiming our authserv-id still passes here (its signer took
//   responsibility for those bytes, and the claim never reaches a reader
//   because it is removed); one that oversigned the name and had a forged
//   field added in transit fails here, which is the honest outcome for the
//   message as it arrived.
//
// STANDARDS
//   RFC 8617 section 4.1.1 with RFC 8601 section 5: an
//   ARC-Authentication-Results claiming our authserv-id is forged the same
//   way, unless its set was verifiably sealed by one of our own signing
//   domains; a forged one goes, and the chain holding it counts as failed;
//   RFC 8601 section 5 (remove fields claiming our authserv-id; remove
//   those of a version we do not support), section 2.5 (authserv-ids
//   compare case-insensitively), section 7.1 (trust upstream results only
//   from an explicit list, empty by default); RFC 6376 section 6 (every
//   DKIM-Signature verified, dkim::Verifier); RFC 5863 section 5.6 (results
//   fields that purport to come from us are removed); RFC 6377 section 5.6.
//
// LIMITS
//   VerifierOptions: at most 10 signatures evaluated, RSA keys of at least
//   1024 bits, 300 s of clock skew for t=. Authentication-Results of
//   version 1 (or none given) are understood; others are removed. An A-R
//   field that does not parse is removed when its first word is our
//   authserv-id and otherwise left in the message, never trusted.
//   authserv-ids compare as ASCII (no A-label/U-label conversion, which
//   RFC 8601 section 5 asks for EAI messages). Our own authserv-id is
//   removed even if it is also listed as trusted: an upstream that shares
//   our id cannot be told apart from a forger, so give it its own id.
//   With a post_memo, _dmarc.<organizational domain> is asked in the one
//   round even when the author domain's own record makes it unneeded: one
//   query more for a subdomain author, never a wait more.
#ifndef LISTD_LISTD_PIPELINE_AUTHENTICATE_H_
#define LISTD_LISTD_PIPELINE_AUTHENTICATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "dkim/arc_validator.h"
#include "dkim/auth_results.h"
#include "dkim/dmarc_evaluator.h"
#include "dkim/key_resolver.h"
#include "dkim/txt_memo.h"
#include "dkim/txt_resolver.h"
#include "dkim/verifier.h"

namespace listd::pipeline {

struct AuthenticateOptions {
  std::string authserv_id;                        // ours, e.g. "lists.example.org"
  std::vector<std::string> trusted_authserv_ids;  // upstream servers whose results we keep (the MX)
  int64_t now = 0;                                // seconds since the epoch (injectable clock)
  dkim::VerifierOptions verifier;                 // max signatures etc.
  // Where DMARC policies are looked up (RFC 7489 section 6.6.3); null: no
  // DMARC evaluation (the result stays absent).
  dkim::TxtResolver* dmarc_dns = nullptr;
  // The per-post TXT memo that `keys` (a DnsKeyResolver over it) and
  // dmarc_dns both look up through, when the caller stacked one: the DMARC
  // names are announced to it before the keys are fetched, so both go out
  // in one concurrent batch (one DNS wait per post, not two). Null: keys
  // and DMARC are asked one after the other, as before.
  dkim::TxtMemo* post_memo = nullptr;
  // The domains our lists seal with: an ARC set they verifiably sealed may
  // carry our authserv-id (one list of ours forwarding to another); any
  // other ARC-Authentication-Results claiming it is forged.
  std::vector<std::string> own_seal_domains;
};

struct Authentication {
  // The post with every A-R field claiming our authserv-id (or of an
  // unsupported version) removed; all other bytes unchanged, CRLF endings.
  std::string message;
  // One result per DKIM-Signature, top to bottom; empty when unsigned.
  std::vector<dkim::SignatureResult> dkim;
  // Parsed A-R fields from trusted authserv-ids, top to bottom (DMARC will
  // use their spf= results).
  std::vector<dkim::AuthenticationResults> trusted_upstream;
  // One line per removed field, for the log: "forged
  // Authentication-Results claiming lists.example.org".
  std::vector<std::string> removed;
  // The ARC chain's verdict (RFC 8617 section 5.2), kept whole: sealing
  // needs it (section 5.1: cv= and no seal over a failed chain).
  dkim::ArcValidation arc;
  // The author domain's DMARC verdict (RFC 7489 section 6.6): alignment of
  // the DKIM results above, and of SPF from the first trusted upstream
  // result that has one. Absent without a resolver or a readable From.
  std::optional<dkim::DmarcEvaluation> dmarc;
};

// Verifies and cleans one post (RFC 6376 section 6, RFC 8601 section 5).
// Fails when the post is not a message or no authserv-id is configured.
base::Result<Authentication> Authenticate(std::string_view message,
                                          const AuthenticateOptions& options,
                                          dkim::KeyResolver& keys);

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_AUTHENTICATE_H_
