/*
 * list.h: every adapter, one line each: the one list the rest is made from.
 *
 *   app/refresh/adapters.c     the registry (externs and adapters[]), by
 *                              including this file with ADAPTER defined
 *   CMakeLists.txt             the OpenAPI enum of Feed.adapter served at
 *                              /v1/openapi.json ("@FIGURES_ADAPTERS@" in
 *                              app/api/openapi.json), and a check that each
 *                              line has its file and each adapter its line
 *   tests/fuzz/CMakeLists.txt  one fuzz_<name> target per line, built from
 *                              the one generic tests/fuzz/fuzz_adapter.c
 *   scripts/fuzz               runs those targets
 *   tests/unit/test_adapters.c checks each listed adapter is registered
 *                              whole, in the enum, and says why an empty
 *                              body fails
 *
 * The library compiles every .c file in app/refresh/adapters/, adapters and the
 * helpers they share (json_page.c), so no source list names an adapter.
 *
 * To add an adapter <name>:
 *   1. write app/refresh/adapters/<name>.c defining
 *      `const struct adapter adapter_<name> = { .name = "<name>", ... };`
 *      with every function of struct adapter (adapter.h) and an example_url;
 *   2. add `ADAPTER(<name>)` below: the order is --help's and the enum's;
 *   3. add its fuzz seeds, tests/fuzz/corpus/<name>/ (each a fixture behind
 *      one control byte; see tests/fuzz/README.md), and, if it helps,
 *      tests/fuzz/dict/<name>.dict;
 *   4. add its fixtures (tests/fixtures/<name>/) and tests.
 * Nothing else: not CMakeLists.txt, not openapi.json, not the fuzz lists.
 *
 * Each line is exactly `ADAPTER(<name>)` at the start of a line (CMake reads
 * this file with a regular expression); <name> is lower case letters, digits
 * and '_', and is both the C symbol's suffix and the adapter's .name.
 */
ADAPTER(hapi)
ADAPTER(unhcr)
ADAPTER(reliefweb)
ADAPTER(dtm)
ADAPTER(hxl)
