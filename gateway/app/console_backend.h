#pragma once
// The console's view of a running gateway (console::Backend over daemon::Gateway): lane
// snapshots, overrides posted to a lane, the registries' merged status, the outbox backlog,
// the state directory's disk, the evidence frames (when the gateway keeps them). The gateway must outlive the backend; every function is
// thread-safe because the Gateway calls it wraps are.
#include "gateway/console/router.h"
#include "gateway/daemon/gateway.h"

namespace gw::app {

console::Backend console_backend(daemon::Gateway& gateway);

}  // namespace gw::app
