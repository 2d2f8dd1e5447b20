// Catch2's main for lmtp_tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
