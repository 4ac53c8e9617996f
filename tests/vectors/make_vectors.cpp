// gw_make_vectors: writes tests/vectors/credential_vectors.conf from the demo world.
// Run after a deliberate change of the format or of the demo world:
//   build/tests/gw_make_vectors > tests/vectors/credential_vectors.conf
#include <cstdio>

#include "tests/vectors/vector_io.h"

int main() {
    std::fputs(gw::vectors::make_vectors_text().c_str(), stdout);
    return 0;
}
