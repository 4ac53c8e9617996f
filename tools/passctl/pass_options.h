#pragma once
// The pass fields that `passctl issue` (signs here) and `passctl registry issue` (a registry
// signs) take alike, read from the command line into a credential::Pass:
//
//   --type  --from  (--until | --days)  --home --work [--issued-by home|work] | --region
//   --enterprise  --personal-letter --enterprise-letter  --plate (repeatable)  --pass-id
//
// and the holder (--name with --id-number + --token-key, or --id-tail + --holder-token).
// Which fields a type needs is checked here; the issuer key id, its scope and the pass id's
// default are the caller's. Every error is one line naming the option. Pure functions.
#include <string>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/credential/pass.h"
#include "tools/common/args.h"

namespace gw::passctl {

/// The fields each pass type takes, as the help of both issue commands lists them last.
inline constexpr const char* kFieldsByTypeHelp = R"(
fields by type:
  commuter       --home REGION --work REGION [--issued-by home|work] --enterprise USCC
                 --personal-letter N --enterprise-letter N  holder  [--plate PLATE]
  work-commute   --home REGION --work REGION [--issued-by home|work] --enterprise USCC
                 holder  [--plate PLATE]
  freight        --region REGION --enterprise USCC --plate PLATE [--plate PLATE ...] (1-3)
  quarantine-release  --region REGION  holder
)";

/// The options read by pass_from_options() and holder_from_options(), for Args::parse.
std::vector<tools::OptionSpec> pass_option_specs();

/// Everything but the key id, the holder and (unless --pass-id is given) the pass id.
Result<credential::Pass> pass_from_options(const tools::Args& a);

/// --name and either --id-number with --token-key (the holder token derived here) or
/// --id-tail with --holder-token. The ID number itself never appears in an error.
Result<credential::Holder> holder_from_options(const tools::Args& a);

}  // namespace gw::passctl
