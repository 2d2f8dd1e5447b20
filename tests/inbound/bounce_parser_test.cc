// Bounce parser: each recogniser and RFC rule of listd/inbound/bounce_parser.h.
#include <catch2/catch.hpp>

#include <string>

#include "listd/inbound/bounce_parser.h"

namespace {

using listd::inbound::BounceKind;
using listd::inbound::FailureClass;
using listd::inbound::ParseBounce;

}  // namespace
