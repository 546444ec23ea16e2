# Embed the scenario files FILES (a ;-separated list, the first one being the
# default scenario) into the C source OUT: mt_default_scenario_yaml[] and the
# NULL-terminated table mt_embedded_scenarios[] of {file name, text}.
set(body "/* generated from scenarios/ by cmake/embed.cmake */\n#include \"mechtune/yamlio.h\"\n\n")
set(table "")
set(i 0)
foreach(path ${FILES})
  get_filename_component(fname ${path} NAME)
  file(READ ${path} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "static const unsigned char text${i}[] = {${bytes} 0x00};\n")
  string(APPEND table "\t{\"${fname}\", (const char *)text${i}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "\nconst char *const mt_default_scenario_yaml = (const char *)text0;\n\n"
  "const struct mt_embedded_scenario mt_embedded_scenarios[] = {\n${table}\t{NULL, NULL},\n};\n")
file(WRITE ${OUT} "${body}")
