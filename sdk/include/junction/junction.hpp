// Everything a plugin needs, in one include.
#pragma once

#include "junction/abi.hpp"
#include "junction/call.hpp"
#include "junction/cause.hpp"
#include "junction/config.hpp"
#include "junction/directory.hpp"
#include "junction/executor.hpp"
#include "junction/host.hpp"
#include "junction/location.hpp"
#include "junction/logger.hpp"
#include "junction/messages.hpp"
#include "junction/metrics.hpp"
#include "junction/plugin.hpp"
#include "junction/registrar.hpp"
#include "junction/routing.hpp"
#include "junction/script.hpp"
