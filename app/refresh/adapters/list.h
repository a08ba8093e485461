/*
 * list.h: every adapter, one line each: the one list the rest is made from.
 *
 *   app/refresh/adapters.c     the registry (externs and adapters[]), by
 *                              including this file with ADAPTER defined
 *   CMakeLists.txt             the OpenAPI enum of Feed.adapter served at
 *                              /v1/openapi.json ("@FIGURES_ADAPTERS@" in
 *                              app/api/openapi.json), and a check that each
 *                              line has its file and each adapter its line
 *
 * The library compiles every .c file in app/refresh/adapters/, adapters and the
 * helpers they share (json_page.c), so no source list names an adapter.
 *
 * To add an adapter <name>:
 *   1. write app/refresh/adapters/<name>.c defining
 *      `const struct adapter adapter_<name> = { .name = "<name>", ... };`
 *      with every function of struct adapter (adapter.h);
 *   2. add `ADAPTER(<name>)` below: the order is --help's and the enum's;
 *   3. add its fixtures (tests/fixtures/<name>/) and tests.
 * Nothing else: not CMakeLists.txt, not openapi.json.
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
