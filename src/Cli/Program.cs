using Verify.Model.Runtime;

namespace Verify.Cli
{
    /// <summary>The `verify` program: the paper's experiments, benchmarks and diagnostics.</summary>
    static class Cli
    {
        /// <summary>Commands by name: each takes the parsed command line and returns an exit code.</summary>
        static readonly Dictionary<string, (string Summary, Func<CommandLine, int> Run)> Commands = new()
        {
            ["info"] = ("show the TorchSharp build, native-library status, threads and devices", Info.Run),
            ["bench"] = ("measure training speed: steps/s single, batched, all cores; --json FILE writes the figures", Bench.Run),
        };

        public static int Main(string[] args)
        {
            return Run(args);
        }

        static int Run(string[] args)
        {
            if (NativeBootstrap.RestartWithPreloadIfNeeded(args) is { } code) return code;
            if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
            {
                PrintHelp();
                return args.Length == 0 ? 2 : 0;
            }
            try
            {
                var line = new CommandLine(args);
                if (!Commands.TryGetValue(line.Command, out var command))
                    throw new UsageException($"unknown command '{line.Command}'; commands: {string.Join(", ", Commands.Keys)}.");
                return command.Run(line);
            }
            catch (UsageException e) { return Fail(e.Message, 2); }
            catch (ArgumentException e) { return Fail(e.Message, 2); }
            catch (NativeLibraryUnavailableException e) { return Fail(e.Message, 3); }
            catch (IOException e) { return Fail(e.Message, 4); }
            catch (UnauthorizedAccessException e) { return Fail(e.Message, 4); }
            catch (Exception e) when (Environment.GetEnvironmentVariable("VERIFY_DEBUG") != "1")
            {
                return Fail($"{e.GetType().Name}: {e.Message} (set VERIFY_DEBUG=1 for the stack trace)", 1);
            }
        }

        static int Fail(string message, int code)
        {
            Console.Error.WriteLine($"verify: error: {message}");
            return code;
        }

        static void PrintHelp()
        {
            Console.WriteLine("verify: executable checks of Tian (ICML 2020), 'Student Specialization in Deep Rectified Networks'.");
            Console.WriteLine();
            Console.WriteLine("usage: verify <command> [--option value ...]");
            Console.WriteLine();
            foreach (var (name, (summary, _)) in Commands)
                Console.WriteLine($"  {name,-12} {summary}");
        }
    }
}
