// libvips from Debian's libvips-dev (image loading for every format Quarry accepts).
#include <vips/vips.h>
