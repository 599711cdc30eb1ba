#include "exercise.hpp"
int main() { return aio::run(ch01::placeholder()) == 1 ? 0 : 1; }
