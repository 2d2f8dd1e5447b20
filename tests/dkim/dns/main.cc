// The Catch2 entry point for dns_tests, the tests that need the DNS server
// of tests/support/dns_server.py (run through it by ctest).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
