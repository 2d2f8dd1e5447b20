// The Catch2 entry point for delivery_tests, run by ctest inside the SMTP
// sink of tests/support/smtp_sink.py (which exports LISTD_TEST_SMTP,
// LISTD_TEST_SMTP_DIR and LISTD_TEST_SMTP_CONTROL).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
