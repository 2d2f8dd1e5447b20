// The YAML subset reader of arc_yaml.h.
#include "arc_yaml.h"

#include <stdexcept>

namespace arc_yaml {
namespace {

struct Line {
  size_t indent = 0;
  std::string_view text;  // the whole line, without its LF
  bool blank = false;     // only spaces
  bool comment = false;   // first non-space is '#'
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  while (!text.empty()) {
    size_t lf = text.find('\n');
    std::string_view line = text.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Line l;
    l.text = line;
    l.indent = line.find_first_not_of(' ');
    if (l.indent == std::string_view::npos) {
      l.blank = true;
      l.indent = line.size();
    } else {
      l.comment = line[l.indent] == '#';
    }
    lines.push_back(l);
    if (lf == std::string_view::npos) break;
    text.remove_prefix(lf + 1);
  }
  return lines;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

[[noreturn]] void Fail(size_t line, const std::string& what) {
  throw std::runtime_error("yaml line " + std::to_string(line + 1) + ": " + what);
}

class Parser {
 public:
  Parser(std::vector<Line> lines, size_t begin, size_t end)
      : lines_(std::move(lines)), pos_(begin), end_(end) {}

  Node Document() {
    SkipIgnorable();
    if (pos_ >= end_) return Node{true, "", {}};
    return Map(lines_[pos_].indent);
  }

 private:
  void SkipIgnorable() {
    while (pos_ < end_ && (lines_[pos_].blank || lines_[pos_].comment)) ++pos_;
  }

  Node Map(size_t indent) {
    Node node;
    node.is_map = true;
    for (SkipIgnorable(); pos_ < end_ && lines_[pos_].indent >= indent; SkipIgnorable()) {
      const Line& line = lines_[pos_];
      if (line.indent != indent) Fail(pos_, "unexpected indentation");
      std::string_view body = line.text.substr(indent);
      size_t colon = body.find(": ");
      if (colon == std::string_view::npos && !body.empty() && body.back() == ':') {
        colon = body.size() - 1;
      }
      if (colon == std::string_view::npos) Fail(pos_, "expected 'key: value'");
      std::string key(Trim(body.substr(0, colon)));
      std::string_view rest = Trim(body.substr(colon + 1));
      ++pos_;
      Node value = Value(indent, rest);
      // A repeated key replaces the earlier value in its place, as PyYAML
      // does (the suite repeats a few test names; the later copy counts).
      bool replaced = false;
      for (auto& [k, v] : node.entries) {
        if (k == key) {
          v = std::move(value);
          replaced = true;
          break;
        }
      }
      if (!replaced) node.entries.emplace_back(std::move(key), std::move(value));
    }
    return node;
  }

  Node Value(size_t indent, std::string_view rest) {
    if (!rest.empty() && (rest[0] == '|' || rest[0] == '>')) return Block(indent, rest);
    if (rest.empty()) {
      SkipIgnorable();
      if (pos_ < end_ && lines_[pos_].indent > indent) return Map(lines_[pos_].indent);
      return Node{};
    }
    Node node;
    if (rest.size() >= 2 && (rest[0] == '"' || rest[0] == '\'') && rest.back() == rest[0]) {
      node.scalar = std::string(rest.substr(1, rest.size() - 2));
      return node;
    }
    size_t hash = rest.find(" #");
    std::string text(Trim(rest.substr(0, hash)));
    // A plain scalar continues on more-indented lines, joined by spaces.
    while (pos_ < end_ && !lines_[pos_].blank && lines_[pos_].indent > indent) {
      text += ' ';
      text += Trim(lines_[pos_].text);
      ++pos_;
    }
    node.scalar = std::move(text);
    return node;
  }

  Node Block(size_t indent, std::string_view header) {
    bool literal = header[0] == '|';
    char chomp = header.size() > 1 ? header[1] : ' ';
    // The block's lines: blank ones, and those indented past the key.
    std::vector<std::string_view> raw;
    size_t block_indent = std::string_view::npos;
    while (pos_ < end_) {
      const Line& line = lines_[pos_];
      if (!line.blank && line.indent <= indent) break;
      if (!line.blank && block_indent == std::string_view::npos) block_indent = line.indent;
      raw.push_back(line.text);
      ++pos_;
    }
    // Trailing blank lines belong to the block only for chomping; the
    // lines after them are the next key's.
    std::vector<std::string> content;
    for (std::string_view text : raw) {
      if (block_indent == std::string_view::npos || text.size() <= block_indent) {
        bool spaces_only = text.find_first_not_of(' ') == std::string_view::npos;
        if (!spaces_only) Fail(pos_, "block line indented less than the block");
        content.emplace_back();
      } else {
        content.emplace_back(text.substr(block_indent));
      }
    }
    size_t last = content.size();
    while (last > 0 && content[last - 1].empty()) --last;
    std::string out;
    if (literal) {
      for (size_t k = 0; k < last; ++k) out += content[k] + "\n";
    } else {
      // Folding: a line break between two non-empty lines becomes a space;
      // each empty line stands for one line break.
      for (size_t k = 0; k < last; ++k) {
        if (content[k].empty()) {
          out += '\n';
          continue;
        }
        if (k > 0 && !content[k - 1].empty()) out += ' ';
        out += content[k];
      }
      if (last > 0) out += '\n';
    }
    if (chomp == '-') {
      while (!out.empty() && out.back() == '\n') out.pop_back();
    } else if (chomp == '+') {
      for (size_t k = last; k < content.size(); ++k) out += '\n';
    }
    Node node;
    node.scalar = std::move(out);
    return node;
  }

  std::vector<Line> lines_;
  size_t pos_;
  size_t end_;
};

}  // namespace

const Node* Node::Find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string Node::Get(std::string_view key) const {
  const Node* node = Find(key);
  return node != nullptr && !node->is_map ? node->scalar : std::string();
}

std::vector<Node> ParseDocuments(std::string_view text) {
  std::vector<Line> lines = SplitLines(text);
  std::vector<Node> docs;
  size_t begin = 0;
  for (size_t k = 0; k <= lines.size(); ++k) {
    bool separator = k < lines.size() && lines[k].text.substr(0, 3) == "---" &&
                     Trim(lines[k].text.substr(3)).empty();
    if (k < lines.size() && !separator) continue;
    Parser parser(lines, begin, k);
    Node doc = parser.Document();
    if (!doc.entries.empty()) docs.push_back(std::move(doc));
    begin = k + 1;
  }
  return docs;
}

}  // namespace arc_yaml
