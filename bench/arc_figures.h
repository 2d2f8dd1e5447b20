// ARC figures: what sealing a post costs on top of DKIM-signing it.
//
// A list that seals (RFC 8617 section 5.1) does, for each post, what
// listd/pipeline/sign.cc does: sign the post, prepend the DKIM-Signature,
// parse the signed post again and add an ARC set over it (an AMS that also
// covers the DKIM-Signature, and an AS): two more private-key operations
// and one more body hash than signing alone. Both costs are timed here
// side by side, in the same call, with the same key and message, so their
// ratio is not skewed by the machine drifting between two rows.
//
// Timed per iteration:
//   sign alone  Signer::Sign on a Message parsed once (as the sign row)
//   seal+sign   Signer::Sign, then the field + message bytes concatenated,
//               Message::Parse of that, then ArcSealer::Seal with the chain
//               an ArcValidator found on the signed post (none, 0 sets)
// Untimed: validating the (empty) chain, which a sealer does once per post
// whatever it signs. Before timing, the sealed message is checked: its
// DKIM signature must pass and its ARC chain must pass with one set.
#ifndef LISTD_BENCH_ARC_FIGURES_H_
#define LISTD_BENCH_ARC_FIGURES_H_

#include <string>

#include "bench/dkim_figures.h"
#include "bench/stopwatch.h"
#include "dkim/crypto.h"
#include "dkim/result.h"

namespace bench {

// Messages per second for both operations, taken back to back.
struct SealSignFigures {
  Rate sign;       // DKIM signing alone
  Rate seal_sign;  // DKIM signing, then ARC sealing of the signed message
};

// Times signing and sealing+signing `message` (bytes as generated) with
// `key`. Fails when set-up fails or the sealed message does not validate.
dkim::Result<SealSignFigures> MeasureSealSign(const Algorithm& algorithm,
                                              const dkim::PrivateKey& key,
                                              const std::string& message,
                                              const MeasureOptions& options);

}  // namespace bench

#endif  // LISTD_BENCH_ARC_FIGURES_H_
