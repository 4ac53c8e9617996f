#pragma once
// Command-line options for the tools: "--name value", "--flag", repeated options, and
// positional arguments. Every mistake is one line naming the option.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/core/error.h"

namespace gw::tools {

struct OptionSpec {
    std::string name;   ///< without "--"
    bool takes_value = true;
    bool repeatable = false;
};

class Args {
public:
    /// Parses argv[first..argc); "-" alone is a positional argument (stdin).
    static Result<Args> parse(int argc, char** argv, int first, const std::vector<OptionSpec>& specs);

    bool has(const std::string& name) const { return values_.count(name) != 0; }
    std::optional<std::string> get(const std::string& name) const;
    std::vector<std::string> all(const std::string& name) const;
    Result<std::string> required(const std::string& name) const;
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> positional_;
};

}  // namespace gw::tools
