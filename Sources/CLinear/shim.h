#include <linear.h>
