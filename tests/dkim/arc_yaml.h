// A reader for the small part of YAML the ARC conformance suite
// (/work/shared/testsuites/arc/*.yml) is written in, so that dkim_tests
// reads the suite as data, with no YAML library in the build:
//   documents separated by "---" lines; block mappings of "key: value";
//   plain scalars (one line, or continued on more-indented lines), quoted
//   scalars; literal "|" and folded ">" block scalars with "-" / "+"
//   chomping; "#" comment lines.
// No sequences, anchors, flow collections or tabs (the suite has none).
// The reader was checked against PyYAML on every suite file.
//
// A key repeated in one mapping keeps its first place and its last value
// (as PyYAML). Errors throw std::runtime_error naming the line.
#ifndef LISTD_TESTS_UNIT_ARC_YAML_H_
#define LISTD_TESTS_UNIT_ARC_YAML_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace arc_yaml {

struct Node {
  bool is_map = false;
  std::string scalar;                                 // when !is_map
  std::vector<std::pair<std::string, Node>> entries;  // when is_map, in file order

  // The entry `key`, or nullptr.
  const Node* Find(std::string_view key) const;
  // The scalar at `key`, or "" when absent.
  std::string Get(std::string_view key) const;
};

// Every document of `text`.
std::vector<Node> ParseDocuments(std::string_view text);

}  // namespace arc_yaml

#endif  // LISTD_TESTS_UNIT_ARC_YAML_H_
