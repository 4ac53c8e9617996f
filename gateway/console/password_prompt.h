#pragma once
// The password of a new console account (`gatewayd --add-user`), never from the command line.
// From a terminal: asked twice with echo off, prompts on `prompt`. From anything else (a
// pipe, a file): the first line. A trailing CR (a Windows line end) is dropped either way.
#include <iosfwd>
#include <optional>
#include <string>

namespace gw::console {

/// `fd` is the descriptor behind `in` (isatty decides which path); nullopt when nothing was
/// read, the line is empty, or the two terminal entries differ.
std::optional<std::string> read_new_password(int fd, std::istream& in, std::ostream& prompt);

}  // namespace gw::console
