#include "exercise.hpp"
int main() { return aio::run(ch02::placeholder()) == 1 ? 0 : 1; }
