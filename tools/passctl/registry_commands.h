#pragma once
// `passctl registry COMMAND`: issuing passes, revocations, suspensions, the shared list,
// freight passes and issuer keys through a registry's HTTPS admin API (registryd,
// tools/registryd/server.h), and a look at its signed head.
//
// Every argument is checked here, with the validators of gateway/credential, and the request
// is formatted and read back with the registry API module registryd reads it with
// (tools/registry_api/requests.h) before anything is sent: a mistake is one line on stderr naming the option, exit 2. A registry that refuses
// (its one-line error and the HTTP status) or cannot be reached (TLS verification, network,
// timeout) is one line, exit 1. The admin token is read from --token-file only, never taken
// on the command line and never printed.
namespace gw::passctl {

/// `passctl registry ...` (argv[1] is "registry"), --help included. Returns the exit code (cli.h).
int registry_command(int argc, char** argv);

}  // namespace gw::passctl
