#pragma once
// A pass as JSON for people and scripts (passctl inspect/verify, the console API). Personal
// data stays as the pass carries it: masked name, ID tail, token.
#include "gateway/core/json.h"
#include "gateway/credential/pass.h"
#include "gateway/credential/verifier.h"

namespace gw::credential {

void write_pass_json(JsonWriter& w, const Pass& pass);
void write_issuer_json(JsonWriter& w, const IssuerFacts& issuer);

}  // namespace gw::credential
