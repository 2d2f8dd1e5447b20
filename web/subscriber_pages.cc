// SubscriberPages (see subscriber_pages.h).
#include "web/subscriber_pages.h"

#include <string>

namespace web {
namespace {

constexpr char kSubscribePurpose[] = "subscribe";
constexpr char kLeaveRequestPurpose[] = "unsubscribe-request";
constexpr char kConfirmPurpose[] = "confirm";
constexpr char kPreferencesPurpose[] = "preferences";

// RFC 8058 section 3.1: the body of the one-click POST.
constexpr char kOneClickField[] = "List-Unsubscribe";
constexpr char kOneClickValue[] = "One-Click";

constexpr char kNoSuchList[] = "There is no such list.";

int StatusOf(SubscriberOutcome outcome) {
  switch (outcome) {
    case SubscriberOutcome::kDone:
      return 200;
    case SubscriberOutcome::kThrottled:
      return 429;
    case SubscriberOutcome::kRefused:
      return 400;
    case SubscriberOutcome::kInvalidLink:
      return 404;
  }
  return 500;
}

nlohmann::json ListValues(const PublicList& list) {
  return {{"address", list.address},
          {"name", list.name.empty() ? list.address : list.name},
          {"description", list.description}};
}

PageReply Answer(const std::string& title, const SubscriberAnswer& answer,
                 const std::string& back = "") {
  return PageReply::Render("subscriber_answer",
                           {{"title", title},
                            {"text", answer.text},
                            {"back", back},
                            {"done", answer.outcome == SubscriberOutcome::kDone}},
                           StatusOf(answer.outcome));
}

PageReply InvalidLink() {
  return Answer("Link not valid",
                SubscriberAnswer{SubscriberOutcome::kInvalidLink,
                                 "This link is not valid (any longer); nothing was changed."});
}

nlohmann::json MemberValues(const MemberSummary& member) {
  return {{"list", member.list},
          {"list_name", member.list_name.empty() ? member.list : member.list_name},
          {"address", member.address},
          {"delivery_on", member.delivery_on}};
}

}  // namespace

void SubscriberPages::Install(PageRoutes& pages) {
  pages.Add("GET", "/lists", PageAccess::kPublic,
            [this](const PageRequest&) -> base::Result<PageReply> {
              auto lists = operations_.AdvertisedLists();
              if (!lists) return lists.failure();
              nlohmann::json items = nlohmann::json::array();
              for (const PublicList& list : *lists) items.push_back(ListValues(list));
              return PageReply::Render(
                  "public_lists", {{"title", "Lists"}, {"lists", items}, {"none", lists->empty()}});
            });

  pages.Add("GET", "/lists/{list}", PageAccess::kPublic,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              auto list = operations_.AdvertisedList(request.path.at("list"));
              if (!list) return list.failure();
              if (!*list) return base::NotFound(kNoSuchList);
              nlohmann::json values = ListValues(**list);
              values["title"] = values["name"];
              values["subscribe_token"] = request.TimedToken(kSubscribePurpose);
              values["leave_token"] = request.TimedToken(kLeaveRequestPurpose);
              return PageReply::Render("list_info", std::move(values));
            });

  auto request_handler = [this](bool join) {
    return [this, join](const PageRequest& request) -> base::Result<PageReply> {
      const std::string& name = request.path.at("list");
      auto list = operations_.AdvertisedList(name);
      if (!list) return list.failure();
      if (!*list) return base::NotFound(kNoSuchList);
      const std::string address = request.Field("address");
      auto answer = join ? operations_.RequestJoin((*list)->address, address, request.client,
                                                   request.base_url, request.now)
                         : operations_.RequestLeave((*list)->address, address, request.client,
                                                    request.base_url, request.now);
      if (!answer) return answer.failure();
      return Answer("Check your mail", *answer, "/lists/" + (*list)->address);
    };
  };
  pages.Add("POST", "/lists/{list}/subscribe", PageAccess::kPublic, request_handler(true),
            FormCheck::Timed(kSubscribePurpose, kRequestMinAge));
  pages.Add("POST", "/lists/{list}/unsubscribe", PageAccess::kPublic, request_handler(false),
            FormCheck::Timed(kLeaveRequestPurpose, kRequestMinAge));

  pages.Add("GET", "/confirm/{token}", PageAccess::kPublic,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              const std::string& token = request.path.at("token");
              auto summary = operations_.DescribeConfirmation(token, request.now);
              if (!summary) return summary.failure();
              if (!summary->valid) {
                return Answer("Link not valid",
                              SubscriberAnswer{SubscriberOutcome::kInvalidLink, summary->problem});
              }
              return PageReply::Render(
                  "subscriber_confirm",
                  {{"title", summary->join ? "Confirm your subscription" : "Confirm leaving"},
                   {"join", summary->join},
                   {"list", summary->list},
                   {"list_name", summary->list_name.empty() ? summary->list : summary->list_name},
                   {"address", summary->address},
                   {"token", token},
                   {"form_token", request.TimedToken(kConfirmPurpose)}});
            });

  pages.Add(
      "POST", "/confirm/{token}", PageAccess::kPublic,
      [this](const PageRequest& request) -> base::Result<PageReply> {
        auto answer = operations_.Confirm(request.path.at("token"), request.base_url, request.now);
        if (!answer) return answer.failure();
        return Answer("Confirmation", *answer);
      },
      FormCheck::Timed(kConfirmPurpose, 0));

  pages.Add("GET", "/u/{token}", PageAccess::kPublic,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              const std::string& token = request.path.at("token");
              auto member = operations_.UnsubscribeLinkMember(token);
              if (!member) return member.failure();
              if (!*member) return InvalidLink();
              nlohmann::json values = MemberValues(**member);
              values["title"] = "Unsubscribe";
              values["token"] = token;
              return PageReply::Render("subscriber_unsubscribe", std::move(values));
            });

  // RFC 8058 section 3.1: no cookie and no form token; the token in the
  // URL is the proof, and the body says it is the one-click POST.
  pages.Add(
      "POST", "/u/{token}", PageAccess::kPublic,
      [this](const PageRequest& request) -> base::Result<PageReply> {
        if (request.Field(kOneClickField) != kOneClickValue) {
          return base::Invalid(
              "This address unsubscribes with the body List-Unsubscribe=One-Click (RFC 8058), "
              "as the page's button sends it.");
        }
        auto answer = operations_.Unsubscribe(request.path.at("token"), request.now);
        if (!answer) return answer.failure();
        return Answer("Unsubscribe", *answer);
      },
      FormCheck::None());

  pages.Add("GET", "/preferences/{token}", PageAccess::kPublic,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              const std::string& token = request.path.at("token");
              auto member = operations_.PreferencesLinkMember(token);
              if (!member) return member.failure();
              if (!*member) return InvalidLink();
              nlohmann::json values = MemberValues(**member);
              values["title"] = "Your delivery";
              values["token"] = token;
              values["form_token"] = request.TimedToken(kPreferencesPurpose);
              return PageReply::Render("subscriber_preferences", std::move(values));
            });

  pages.Add(
      "POST", "/preferences/{token}", PageAccess::kPublic,
      [this](const PageRequest& request) -> base::Result<PageReply> {
        const std::string delivery = request.Field("delivery");
        if (delivery != "on" && delivery != "off") {
          return base::Invalid("delivery must be on or off");
        }
        auto answer =
            operations_.SetDelivery(request.path.at("token"), delivery == "on", request.now);
        if (!answer) return answer.failure();
        return Answer("Your delivery", *answer,
                      answer->outcome == SubscriberOutcome::kDone
                          ? "/preferences/" + request.path.at("token")
                          : "");
      },
      FormCheck::Timed(kPreferencesPurpose, 0));
}

}  // namespace web
