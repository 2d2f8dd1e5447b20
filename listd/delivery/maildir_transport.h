// MaildirTransport: delivers a batch into Maildirs under one root, one
// Maildir per recipient (ROOT/<recipient>/{tmp,new,cur}), for hosts with no
// MTA to hand mail to, and for tests that read what listd sent.
//
// Each copy is written under tmp/, fsync'd, then rename()d into new/ (the
// Maildir protocol: a reader never sees a partial message), with
// "Return-Path: <sender>" and "Delivered-To: <recipient>" on top, as a
// delivery agent adds them. Files are 0600, directories 0700.
//
// A recipient becomes one path component: every '/' and NUL becomes '_',
// and a leading '.' gets a '_' in front, so "../x@y" is "_.._x@y" and no
// address leaves ROOT. See MaildirFolderName().
//
// Thread-safety: Send() may run on several threads, on one or several
// transports: names are unique per process, thread and call.
#ifndef LISTD_LISTD_DELIVERY_MAILDIR_TRANSPORT_H_
#define LISTD_LISTD_DELIVERY_MAILDIR_TRANSPORT_H_

#include <string>

#include "listd/delivery/transport.h"

namespace listd::delivery {

class MaildirTransport : public Transport {
 public:
  // `root` must exist (MakeTransportFactory creates it).
  explicit MaildirTransport(std::string root);

  // See Transport::Send. Results: 250 delivered, 451 (kTempFail) on an I/O
  // error with its errno text, 554 (kPermFail) for an address that cannot
  // name a folder.
  SendResult Send(const std::string& envelope_from, const std::vector<std::string>& recipients,
                  std::string_view message) override;

 private:
  RecipientResult DeliverOne(const std::string& envelope_from, const std::string& recipient,
                             std::string_view message);
  std::string root_;
};

// The folder name under the root for `recipient` (see above); "" when the
// address cannot be one (empty, or longer than 255 bytes).
std::string MaildirFolderName(std::string_view recipient);

// A name unique on this host: "SECONDS.M<usec>P<pid>T<tid>Q<n>.HOST".
std::string UniqueMaildirName();

}  // namespace listd::delivery

#endif  // LISTD_LISTD_DELIVERY_MAILDIR_TRANSPORT_H_
