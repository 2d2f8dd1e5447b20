// The Catch2 entry point for views_tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
