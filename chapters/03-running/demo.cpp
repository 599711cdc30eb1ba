#include "exercise.hpp"
int main() { return aio::run(ch03::placeholder()) == 1 ? 0 : 1; }
