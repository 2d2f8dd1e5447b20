// The listd_webface library (see CMakeLists.txt); its operations are in
// the files beside this one.
