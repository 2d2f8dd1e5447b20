// PageRenderer (see page_renderer.h).
#include "web/page_renderer.h"

#include <dirent.h>

#include <fstream>
#include <kainjow/mustache.hpp>
#include <sstream>

namespace web {
namespace {

namespace mustache = kainjow::mustache;

constexpr std::string_view kSuffix = ".mustache";

mustache::data FromJson(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      mustache::data object{mustache::data::type::object};
      for (const auto& [key, item] : value.items()) object.set(key, FromJson(item));
      return object;
    }
    case nlohmann::json::value_t::array: {
      mustache::data list{mustache::data::type::list};
      for (const auto& item : value) list.push_back(FromJson(item));
      return list;
    }
    case nlohmann::json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      // kainjow counts "" as true; a page that says {{#reason}} must not
      // print an empty paragraph.
      if (text.empty()) return mustache::data{false};
      return mustache::data{text};
    }
    case nlohmann::json::value_t::boolean:
      return mustache::data{value.get<bool>()};
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return mustache::data{value.dump()};
    default:
      return mustache::data{false};
  }
}

}  // namespace

base::Result<std::unique_ptr<PageRenderer>> PageRenderer::Load(const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> folder(::opendir(dir.c_str()), ::closedir);
  if (!folder) return base::NotFound("cannot read the page templates in " + dir);
  auto renderer = std::unique_ptr<PageRenderer>(new PageRenderer());
  while (dirent* entry = ::readdir(folder.get())) {
    std::string name = entry->d_name;
    if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) {
      continue;
    }
    std::ifstream file(dir + "/" + name);
    std::stringstream text;
    text << file.rdbuf();
    if (!file) return base::Internal("cannot read " + dir + "/" + name);
    mustache::mustache check{text.str()};
    if (!check.is_valid()) {
      return base::Invalid("the page template " + name +
                           " has a syntax error: " + check.error_message());
    }
    renderer->templates_[name.substr(0, name.size() - kSuffix.size())] = text.str();
  }
  if (!renderer->Has("layout")) return base::NotFound(dir + " has no layout.mustache");
  return renderer;
}

bool PageRenderer::Has(std::string_view name) const { return templates_.count(name) > 0; }

base::Result<std::string> PageRenderer::Render(std::string_view name,
                                               const nlohmann::json& values) const {
  auto page = templates_.find(name);
  if (page == templates_.end()) {
    return base::Internal("no page template " + std::string(name) + ".mustache");
  }
  mustache::mustache layout{templates_.find("layout")->second};
  mustache::data data = FromJson(values.is_object() ? values : nlohmann::json::object());
  const std::string& content = page->second;
  data.set("content", mustache::partial([&content] { return content; }));
  std::string html = layout.render(data);
  if (!layout.is_valid()) {
    return base::Internal("the page " + std::string(name) +
                          " could not be rendered: " + layout.error_message());
  }
  return html;
}

}  // namespace web
