#include "gateway/core/conf.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "gateway/core/number.h"

namespace gw {
namespace {

bool key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

std::string where(const std::string& path, int line) { return path + ":" + std::to_string(line); }

std::string section_label(const ConfSection& s) {
    if (s.kind.empty()) return "";
    return " [" + s.kind + (s.name.empty() ? "" : " " + s.name) + "]";
}

// Strips a trailing " # comment": a '#' preceded by whitespace.
std::string_view strip_comment(std::string_view v) {
    for (std::size_t i = 1; i < v.size(); ++i)
        if (v[i] == '#' && (v[i - 1] == ' ' || v[i - 1] == '\t')) return v.substr(0, i);
    return v;
}

}  // namespace

std::string_view trim(std::string_view s) {
    const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!s.empty() && ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && ws(s.back())) s.remove_suffix(1);
    return s;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    if (trim(text).empty()) return out;
    std::size_t start = 0;
    while (true) {
        const auto comma = text.find(',', start);
        out.emplace_back(trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

Result<ConfFile> parse_conf(std::string_view text, std::string path) {
    ConfFile file{std::move(path), {ConfSection{}}};
    if (text.find('\0') != std::string_view::npos) return failure(file.path + ": binary data (NUL byte) in a text file");
    int line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto nl = text.find('\n', pos);
        const auto raw = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++line_no;
        const auto line = trim(raw);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line[0] == '[') {
            if (line.back() != ']') return failure(where(file.path, line_no) + ": section header without closing ']'");
            const auto inner = trim(line.substr(1, line.size() - 2));
            const auto space = inner.find_first_of(" \t");
            ConfSection s;
            s.kind = std::string(inner.substr(0, space));
            s.name = space == inner.npos ? "" : std::string(trim(inner.substr(space)));
            s.line = line_no;
            if (s.kind.empty() || !std::all_of(s.kind.begin(), s.kind.end(), key_char))
                return failure(where(file.path, line_no) + ": bad section kind '" + s.kind + "'");
            if (s.name.find_first_of("[]") != std::string::npos)
                return failure(where(file.path, line_no) + ": bad section name '" + s.name + "'");
            file.sections.push_back(std::move(s));
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string_view::npos)
            return failure(where(file.path, line_no) + ": expected 'key = value', '[section]' or '# comment'");
        const auto key = trim(line.substr(0, eq));
        if (key.empty() || !std::all_of(key.begin(), key.end(), key_char))
            return failure(where(file.path, line_no) + ": bad key '" + std::string(key) +
                           "' (lower-case letters, digits, '_', '-', '.')");
        auto& section = file.sections.back();
        for (const auto& e : section.entries)
            if (e.key == key)
                return failure(where(file.path, line_no) + ":" + section_label(section) + " key '" + std::string(key) +
                               "' repeated (first on line " + std::to_string(e.line) + ")");
        section.entries.push_back(ConfEntry{std::string(key), std::string(trim(strip_comment(line.substr(eq + 1)))), line_no});
    }
    return file;
}

Result<std::string> read_file(const std::filesystem::path& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return failure(path.string() + ": cannot open");
    std::string data;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        data.append(buf, static_cast<std::size_t>(in.gcount()));
        if (data.size() > limit) return failure(path.string() + ": larger than " + std::to_string(limit) + " bytes");
    }
    if (in.bad()) return failure(path.string() + ": read error");
    return data;
}

Result<ConfFile> load_conf(const std::filesystem::path& path) {
    auto text = read_file(path, 4 << 20);
    if (!text) return unexpected(text.error());
    return parse_conf(*text, path.string());
}

const ConfEntry* ConfReader::find(std::string_view key) {
    used_.emplace_back(key);
    for (const auto& e : section_.entries)
        if (e.key == key) return &e;
    return nullptr;
}

Error ConfReader::error(const ConfEntry& entry, std::string_view message) const {
    return Error{where(file_.path, entry.line) + ":" + section_label(section_) + " key '" + entry.key + "': " +
                 std::string(message)};
}

Error ConfReader::error(std::string_view message) const {
    return Error{where(file_.path, section_.line ? section_.line : 1) + ":" + section_label(section_) + " " +
                 std::string(message)};
}

Result<std::string> ConfReader::text(std::string_view key) {
    const auto* e = find(key);
    if (!e) return unexpected(error("missing key '" + std::string(key) + "'"));
    if (e->value.empty()) return unexpected(error(*e, "empty value"));
    return e->value;
}

std::string ConfReader::text_or(std::string_view key, std::string fallback) {
    const auto* e = find(key);
    return e ? e->value : std::move(fallback);
}

Result<long long> ConfReader::integer_or(std::string_view key, long long fallback, long long min, long long max) {
    const auto* e = find(key);
    if (!e) return fallback;
    const auto parsed = parse_signed<long long>(e->value);
    if (!parsed) return unexpected(error(*e, "not a whole number"));
    const auto v = *parsed;
    if (v < min || v > max)
        return unexpected(error(*e, "out of range " + std::to_string(min) + ".." + std::to_string(max)));
    return v;
}

Result<long long> ConfReader::integer(std::string_view key, long long min, long long max) {
    if (!find(key)) return unexpected(error("missing key '" + std::string(key) + "'"));
    return integer_or(key, 0, min, max);
}

Result<double> ConfReader::number_or(std::string_view key, double fallback, double min, double max) {
    const auto* e = find(key);
    if (!e) return fallback;
    const auto parsed = parse_decimal(e->value);
    if (!parsed) return unexpected(error(*e, "not a number"));
    const auto v = *parsed;
    if (!(v >= min && v <= max)) {
        std::ostringstream os;
        os << "out of range " << min << ".." << max;
        return unexpected(error(*e, os.str()));
    }
    return v;
}

Result<bool> ConfReader::boolean_or(std::string_view key, bool fallback) {
    const auto* e = find(key);
    if (!e) return fallback;
    if (e->value == "true" || e->value == "yes" || e->value == "on") return true;
    if (e->value == "false" || e->value == "no" || e->value == "off") return false;
    return unexpected(error(*e, "expected true or false"));
}

Result<std::vector<std::string>> ConfReader::list(std::string_view key) {
    const auto* e = find(key);
    if (!e) return unexpected(error("missing key '" + std::string(key) + "'"));
    auto items = split_list(e->value);
    if (items.empty()) return unexpected(error(*e, "empty list"));
    for (const auto& item : items)
        if (item.empty()) return unexpected(error(*e, "empty item in list"));
    return items;
}

Result<void> ConfReader::unknown_keys() const {
    for (const auto& e : section_.entries)
        if (std::find(used_.begin(), used_.end(), e.key) == used_.end())
            return unexpected(error(e, "unknown key"));
    return {};
}

}  // namespace gw
