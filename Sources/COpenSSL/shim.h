// OpenSSL's libcrypto (Debian's libssl-dev): the SHA-256 digests of stores, files and passages.
#include <openssl/evp.h>
