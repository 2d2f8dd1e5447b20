// The Catch2 entry point for webface_tests (kept apart so that editing
// a test does not recompile Catch2's runner).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
