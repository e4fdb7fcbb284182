// SCAN model library anchor: keeps the library non-empty while its parts are added.
namespace scan {}
