// The settings catalogue and ListSettings: one definition of every
// setting, validation that names what is accepted (kind invalid), and
// typed reads with the defaults in force (RFC 6376 section 3.4 for c=,
// section 5.4 for the signed From).
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "listd/settings/catalogue.h"
#include "listd/settings/list_settings.h"

namespace {

using listd::settings::Catalogue;
using listd::settings::DmarcMitigation;
using listd::settings::ListSettings;
using listd::settings::NonmemberAction;
using listd::settings::PostingPolicy;
using listd::settings::ReplyTo;
using listd::settings::SettingId;
using listd::settings::SettingType;
using listd::settings::SigningAlgorithms;
using listd::settings::Spec;
using listd::settings::Validate;

base::EmailAddress List() { return *base::EmailAddress::Parse("demo@lists.example.org"); }

TEST_CASE("settings: the catalogue holds every SettingId once, in order", "[settings]") {
  REQUIRE(Catalogue().size() == listd::settings::kSettingCount);
  for (size_t i = 0; i < Catalogue().size(); ++i) {
    INFO(Catalogue()[i].name);
    CHECK(static_cast<size_t>(Catalogue()[i].id) == i);
    CHECK(&Spec(Catalogue()[i].id) == &Catalogue()[i]);
    CHECK(listd::settings::FindSetting(Catalogue()[i].name) == &Catalogue()[i]);
  }
  CHECK(listd::settings::FindSetting("no.such.setting") == nullptr);
}

TEST_CASE("settings: every enum of ListSettings spells the catalogue's values, in order",
          "[settings]") {
  using listd::settings::ToString;
  CHECK(Spec(SettingId::kReplyTo).allowed.size() == 3);
  CHECK(ToString(ReplyTo::kNone) == "none");
  CHECK(ToString(ReplyTo::kAuthor) == "author");
  CHECK(Spec(SettingId::kPostingPolicy).allowed.size() == 4);
  CHECK(ToString(PostingPolicy::kMembersOnly) == "members-only");
  CHECK(ToString(PostingPolicy::kOpen) == "open");
  CHECK(Spec(SettingId::kNonmemberAction).allowed.size() == 3);
  CHECK(ToString(NonmemberAction::kDiscard) == "discard");
  CHECK(Spec(SettingId::kDmarcMitigation).allowed.size() == 3);
  CHECK(ToString(DmarcMitigation::kMungeFrom) == "munge-from");
  CHECK(ToString(DmarcMitigation::kWrap) == "wrap");
  CHECK(Spec(SettingId::kSigningAlgorithms).allowed.size() == 3);
  CHECK(ToString(SigningAlgorithms::kBoth) == "both");
}

TEST_CASE("settings: Validate normalises what it accepts and refuses the rest as invalid",
          "[settings]") {
  CHECK(*Validate("max_size", "5M") == "5242880");
  CHECK(*Validate("signing.expire", "2h") == "7200");
  CHECK(*Validate("signing.canonicalization", "relaxed") == "relaxed/simple");
  CHECK(*Validate("posting_policy", " Moderated ") == "moderated");
  for (auto [name, value] :
       std::map<std::string, std::string>{{"posting_policy", "closed"},
                                          {"max_size", "lots"},
                                          {"signing.headers", "To:Subject"},  // From must be signed
                                          {"signing.domain", "not a domain"},
                                          {"subject_tag", "[x]\r\nBcc: victim@example.org"},
                                          {"footer_template", "footer.txt"}}) {
    INFO(name << "=" << value);
    auto refused = Validate(name, value);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.kind() == base::ErrorKind::kInvalid);
    CHECK_THAT(refused.error(), Catch::StartsWith(name));
  }
  auto unknown = Validate("colour", "blue");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.kind() == base::ErrorKind::kInvalid);
  CHECK_THAT(unknown.error(), Catch::Contains("posting_policy"));  // it lists the settings
}

TEST_CASE("settings: the defaults, some made from the list's address", "[settings]") {
  const ListSettings defaults(List(), {});
  CHECK(defaults.subject_tag() == "[demo]");
  CHECK(defaults.signing_domain() == "lists.example.org");
  CHECK(defaults.posting_policy() == PostingPolicy::kMembersOnly);
  CHECK(defaults.nonmember_action() == NonmemberAction::kHold);
  CHECK(defaults.max_size() == 5242880);
  CHECK(defaults.dmarc_mitigation() == DmarcMitigation::kMungeFrom);
  CHECK_FALSE(defaults.dmarc_mitigate_unconditionally());
  CHECK(defaults.signing_algorithms() == SigningAlgorithms::kBoth);
  CHECK(defaults.SignsWith(storage::KeyAlgorithm::kRsa));
  CHECK(defaults.SignsWith(storage::KeyAlgorithm::kEd25519));
  CHECK(defaults.canonicalization() == "relaxed/relaxed");
  CHECK(defaults.signature_lifetime() == 0);
  CHECK(defaults.arc());
  CHECK_FALSE(defaults.remove_dkim_signatures());
  const std::vector<std::string> signed_headers = defaults.signed_headers();
  CHECK(std::find(signed_headers.begin(), signed_headers.end(), "From") != signed_headers.end());
  CHECK(defaults.oversigned_headers() == std::vector<std::string>{"From", "Subject"});
  for (const auto& setting : defaults.All()) CHECK(setting.is_default);
}

TEST_CASE("settings: stored values win over the defaults, read in their types", "[settings]") {
  const ListSettings set(List(), {{"posting_policy", "announce-only"},
                                  {"nonmember_action", "discard"},
                                  {"max_size", "1048576"},
                                  {"signing.algorithms", "rsa"},
                                  {"signing.expire", "604800"},
                                  {"reply_to", "list"},
                                  {"arc", "off"},
                                  {"an.old.setting", "ignored"}});
  CHECK(set.posting_policy() == PostingPolicy::kAnnounceOnly);
  CHECK(set.nonmember_action() == NonmemberAction::kDiscard);
  CHECK(set.max_size() == 1048576);
  CHECK(set.SignsWith(storage::KeyAlgorithm::kRsa));
  CHECK_FALSE(set.SignsWith(storage::KeyAlgorithm::kEd25519));
  CHECK(set.signature_lifetime() == 604800);
  CHECK(set.reply_to() == ReplyTo::kList);
  CHECK_FALSE(set.arc());
  CHECK_FALSE(set.IsDefault(SettingId::kMaxSize));
  CHECK(set.IsDefault(SettingId::kSubjectTag));
  CHECK(set.All().size() == listd::settings::kSettingCount);  // the stray name is left out
}

TEST_CASE("settings: posting_auth, unauthenticated_member_action and ban_action", "[settings]") {
  // New lists admit a member's post on an authenticated From (RFC 7489
  // section 3.1 alignment); an unsigned member's post waits; a banned
  // author's post is dropped without a word.
  const ListSettings defaults(List(), {});
  CHECK(defaults.posting_auth() == listd::settings::PostingAuth::kAligned);
  CHECK(defaults.unauthenticated_member_action() ==
        listd::settings::UnauthenticatedMemberAction::kHold);
  CHECK(defaults.ban_action() == listd::settings::BanAction::kDiscard);
  const ListSettings set(List(), {{"posting_auth", "from"},
                                  {"unauthenticated_member_action", "accept"},
                                  {"ban_action", "reject"}});
  CHECK(set.posting_auth() == listd::settings::PostingAuth::kFrom);
  CHECK(set.unauthenticated_member_action() ==
        listd::settings::UnauthenticatedMemberAction::kAccept);
  CHECK(set.ban_action() == listd::settings::BanAction::kReject);
  CHECK(*Validate("posting_auth", "from") == "from");
  auto bad = Validate("posting_auth", "dkim");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error(), Catch::Contains("aligned"));
  CHECK_FALSE(Validate("ban_action", "hold").ok());
}

TEST_CASE("settings: a stored spelling this listd does not know leaves posting to a human",
          "[settings]") {
  // Written by another version: who may post reads as moderated, what
  // befalls a non-member as hold; other settings as their defaults.
  const ListSettings odd(List(), {{"posting_policy", "closed"},
                                  {"nonmember_action", "bounce"},
                                  {"dmarc_mitigation", "rewrite"}});
  CHECK(odd.posting_policy() == PostingPolicy::kModerated);
  CHECK(odd.nonmember_action() == NonmemberAction::kHold);
  CHECK(odd.dmarc_mitigation() == DmarcMitigation::kMungeFrom);
  CHECK(odd.Text(SettingId::kPostingPolicy) == "moderated");
}

TEST_CASE("settings: every kEnum setting has allowed values and a default among them",
          "[settings]") {
  for (const auto& spec : Catalogue()) {
    if (spec.type != SettingType::kEnum) continue;
    INFO(spec.name);
    REQUIRE_FALSE(spec.allowed.empty());
    const std::string fallback = spec.default_for(List());
    CHECK(std::find(spec.allowed.begin(), spec.allowed.end(), fallback) != spec.allowed.end());
  }
}

}  // namespace

namespace {

TEST_CASE("settings: kScore accepts a number above 0 with at most two decimals, normalised",
          "[settings][bounces]") {
  CHECK(Spec(SettingId::kBounceScoreThreshold).type == SettingType::kScore);
  for (auto [given, stored] : std::map<std::string, std::string>{{"5", "5.0"},
                                                                 {"5.0", "5.0"},
                                                                 {"2.5", "2.5"},
                                                                 {"0.25", "0.25"},
                                                                 {" 7.50 ", "7.5"},
                                                                 {"0.05", "0.05"},
                                                                 {"1000", "1000.0"}}) {
    INFO(given);
    auto valid = Validate("bounce_score_threshold", given);
    REQUIRE(valid.ok());
    CHECK(*valid == stored);
    // What is stored reads back as the number (ListSettings' accessor).
    const ListSettings set(List(), {{"bounce_score_threshold", *valid}});
    CHECK(set.bounce_score_threshold() == Approx(std::stod(stored)));
  }
  for (const std::string refused : {"0", "0.0", "-1", "abc", "1.234", "1e3", "5.", ".5", "",
                                    "1000.01", "10000", "5,0", "0x10"}) {
    INFO(refused);
    auto bad = Validate("bounce_score_threshold", refused);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.kind() == base::ErrorKind::kInvalid);
    CHECK(bad.error() ==
          "bounce_score_threshold must be a number above 0 and at most 1000, with at most two "
          "decimals (e.g. 5 or 2.5), not '" +
              refused + "'");
  }
}

TEST_CASE("settings: the bounce settings' defaults are Mailman 3's", "[settings][bounces]") {
  const ListSettings defaults(List(), {});
  CHECK(defaults.bounce_score_threshold() == 5.0);
  CHECK(defaults.Text(SettingId::kBounceScoreThreshold) == "5.0");
  CHECK(defaults.bounce_info_stale_after() == 7 * 86400);
  CHECK(defaults.bounce_you_are_disabled_warnings() == 3);
  CHECK(defaults.bounce_you_are_disabled_warnings_interval() == 7 * 86400);
  CHECK(defaults.bounce_notify_owner_on_disable());
  CHECK(defaults.bounce_notify_owner_on_removal());
  CHECK_FALSE(defaults.bounce_probe());
  CHECK(defaults.forward_unrecognized_bounces());
  CHECK(defaults.complaint_action() == listd::settings::ComplaintAction::kUnsubscribe);
  // Each default passes its own validation unchanged.
  for (SettingId id :
       {SettingId::kBounceScoreThreshold, SettingId::kBounceInfoStaleAfter,
        SettingId::kBounceYouAreDisabledWarnings, SettingId::kBounceYouAreDisabledWarningsInterval,
        SettingId::kBounceNotifyOwnerOnDisable, SettingId::kBounceNotifyOwnerOnRemoval,
        SettingId::kBounceProbe, SettingId::kForwardUnrecognizedBounces,
        SettingId::kComplaintAction}) {
    const std::string fallback = Spec(id).default_for(List());
    INFO(Spec(id).name << "=" << fallback);
    auto valid = Validate(Spec(id).name, fallback);
    REQUIRE(valid.ok());
    CHECK(*valid == fallback);
  }
}

TEST_CASE("settings: the bounce settings read their stored values in their types",
          "[settings][bounces]") {
  using listd::settings::ComplaintAction;
  using listd::settings::ToString;
  CHECK(Spec(SettingId::kComplaintAction).allowed.size() == 3);
  CHECK(ToString(ComplaintAction::kUnsubscribe) == "unsubscribe");
  CHECK(ToString(ComplaintAction::kDisable) == "disable");
  CHECK(ToString(ComplaintAction::kNotify) == "notify");
  CHECK(*Validate("bounce_info_stale_after", "2d") == "172800");
  CHECK(*Validate("bounce_you_are_disabled_warnings", "0") == "0");
  CHECK(*Validate("bounce_you_are_disabled_warnings_interval", "1w") == "604800");
  CHECK_FALSE(Validate("complaint_action", "ignore").ok());
  CHECK_FALSE(Validate("bounce_probe", "maybe").ok());
  const ListSettings set(List(), {{"bounce_score_threshold", "2.5"},
                                  {"bounce_info_stale_after", "172800"},
                                  {"bounce_you_are_disabled_warnings", "0"},
                                  {"bounce_you_are_disabled_warnings_interval", "3600"},
                                  {"bounce_notify_owner_on_disable", "off"},
                                  {"bounce_notify_owner_on_removal", "off"},
                                  {"bounce_probe", "on"},
                                  {"forward_unrecognized_bounces", "off"},
                                  {"complaint_action", "notify"}});
  CHECK(set.bounce_score_threshold() == 2.5);
  CHECK(set.bounce_info_stale_after() == 172800);
  CHECK(set.bounce_you_are_disabled_warnings() == 0);
  CHECK(set.bounce_you_are_disabled_warnings_interval() == 3600);
  CHECK_FALSE(set.bounce_notify_owner_on_disable());
  CHECK_FALSE(set.bounce_notify_owner_on_removal());
  CHECK(set.bounce_probe());
  CHECK_FALSE(set.forward_unrecognized_bounces());
  CHECK(set.complaint_action() == ComplaintAction::kNotify);
}

}  // namespace
