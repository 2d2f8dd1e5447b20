// Reply formatting: one Reply to the bytes of one reply line.
//
// The session writes every reply through here so that a handler's reply can
// never break the protocol: the code is forced into 200..599, the enhanced
// code (RFC 3463 §2, advertised per RFC 2034) is made to agree with the basic
// code's class, and CR, LF and other controls in the text become spaces so a
// reply is always exactly one line (RFC 5321 §4.2).
#ifndef LISTD_LISTD_LMTP_REPLY_H_
#define LISTD_LISTD_LMTP_REPLY_H_

#include <string>

#include "listd/lmtp/handler.h"

namespace listd::lmtp {

// `reply` made well-formed: a code outside 200..599 becomes 451 4.3.0, an
// enhanced code missing or of the wrong class becomes "<class>.0.0".
Reply Sanitize(Reply reply);

// "250 2.1.5 OK\r\n" for {250, "2.1.5", "OK"}, after Sanitize.
std::string FormatReply(const Reply& reply);

}  // namespace listd::lmtp

#endif  // LISTD_LISTD_LMTP_REPLY_H_
