// tests/plugins/data_entry.cpp: a library whose ccsim_register_policies is a variable, not a function (issue 17,
// item 4: calling it crashed ccsim).
extern "C" {
// NOLINTNEXTLINE: the point of this library is the wrong kind of symbol
int ccsim_register_policies = 0;
}
