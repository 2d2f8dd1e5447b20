// The schema, as the ordered list of migration steps storage/migrations.cc
// runs. Step N takes a file from user_version N-1 to N. Steps are never
// edited once released; a change is a new step.
#ifndef LISTD_STORAGE_SCHEMA_H_
#define LISTD_STORAGE_SCHEMA_H_

#include <string_view>
#include <vector>

namespace storage {

// SQL of each step, index 0 = step 1.
const std::vector<std::string_view>& SchemaSteps();

}  // namespace storage

#endif  // LISTD_STORAGE_SCHEMA_H_
