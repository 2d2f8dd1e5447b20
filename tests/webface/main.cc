// The Catch2 entry point for webface_tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
