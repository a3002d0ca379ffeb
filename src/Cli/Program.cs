using Verify.Model.Runtime;

namespace Verify.Cli
{
    /// <summary>The `verify` program: the paper's experiments, benchmarks and diagnostics.</summary>
    static class Cli
    {
        /// <summary>Commands by name: each takes the parsed command line and returns an exit code.</summary>
        static readonly Dictionary<string, (string Summary, Func<CommandLine, int> Run)> Commands = new()
        {
            ["reproduce"] = ("run the theorem checks and every experiment of the paper, write report.md, figures and runs.jsonl (--scale default|paper, --out DIR, --cifar10 DIR, --only LIST, --workers N, --device cpu|cuda, --seed N: the run seed of the theorem checks, default 2020)", ReproduceCommand.Run),
            ["two-layer"] = ("one two-layer sweep with the paper's knobs, writing DIR/runs.jsonl: " + TwoLayerCommand.Usage, TwoLayerCommand.Run),
            ["info"] = ("show the TorchSharp build, native-library status, threads and devices", Info.Run),
            ["bench"] = ("measure training speed: steps/s single, batched, all cores; --json FILE writes the figures", Bench.Run),
        };

        public static int Main(string[] args)
        {
            // Numbers in reports, JSON and messages are written the same way on every machine.
            System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            if (NativeBootstrap.RestartWithPreloadIfNeeded(args) is { } code) return code;
            return Execute(args);
        }

        /// <summary>Parses and runs one command in this process; returns the exit code (2 usage, 3 native library, 4 files, 1 other).</summary>
        internal static int Execute(string[] args)
        {
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
            catch (InvalidDataException e) { return Fail(e.Message, 4); }
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
