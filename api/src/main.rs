fn main() -> std::process::ExitCode {
    banji::cli::main()
}
