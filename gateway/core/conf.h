#pragma once
// The one text format for files people write by hand: key files, trust configuration,
// record files and gatewayd's configuration. Documented in config/README.md.
//
//   # comment (also after whitespace at the end of a line: "key = v  # note")
//   top = level value
//   [kind name]          a section; the name is optional
//   key = value          keys are [a-z0-9_.-]+, unique within a section
//
// Every error names the file, the line and, where there is one, the key.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/error.h"

namespace gw {

struct ConfEntry {
    std::string key;
    std::string value;
    int line = 0;
};

struct ConfSection {
    std::string kind;  ///< "" for the entries before the first section header.
    std::string name;
    int line = 0;
    std::vector<ConfEntry> entries;
};

struct ConfFile {
    std::string path;                   ///< As given; used in error messages.
    std::vector<ConfSection> sections;  ///< sections[0] is the top level, maybe empty.
};

Result<ConfFile> parse_conf(std::string_view text, std::string path);
/// Reads and parses a file; a missing or unreadable file is an error naming it.
Result<ConfFile> load_conf(const std::filesystem::path& path);
/// Reads a whole file (at most `limit` bytes) with an error that names it.
Result<std::string> read_file(const std::filesystem::path& path, std::size_t limit = 16 << 20);

/// Typed access to one section. Remembers which keys were read so that unknown_keys()
/// can name a key nobody expected (a typo must not silently fall back to a default).
class ConfReader {
public:
    ConfReader(const ConfFile& file, const ConfSection& section) : file_(file), section_(section) {}

    const ConfEntry* find(std::string_view key);
    Result<std::string> text(std::string_view key);
    std::string text_or(std::string_view key, std::string fallback);
    Result<long long> integer(std::string_view key, long long min, long long max);
    Result<long long> integer_or(std::string_view key, long long fallback, long long min, long long max);
    Result<double> number_or(std::string_view key, double fallback, double min, double max);
    Result<bool> boolean_or(std::string_view key, bool fallback);
    /// Comma-separated list, items trimmed, empty items rejected.
    Result<std::vector<std::string>> list(std::string_view key);

    /// "file:line: [kind name] key 'k': message"
    Error error(const ConfEntry& entry, std::string_view message) const;
    /// "file:line: [kind name]: message" (the section header's line)
    Error error(std::string_view message) const;
    Result<void> unknown_keys() const;
    const ConfSection& section() const { return section_; }

private:
    const ConfFile& file_;
    const ConfSection& section_;
    std::vector<std::string> used_;
};

/// Splits "a, b ,c" into trimmed items.
std::vector<std::string> split_list(std::string_view text);
std::string_view trim(std::string_view s);

}  // namespace gw
