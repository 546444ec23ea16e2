# Turn the file IN into a C source OUT defining mt_default_scenario_yaml[].
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* generated from scenarios/default.yaml by cmake/embed.cmake */\n"
  "const char mt_default_scenario_yaml[] = {${bytes} 0x00};\n")
