using System.CommandLine;
using System.CommandLine.Help;
using Verify.Model.Runtime;

namespace Verify.Cli
{
    /// <summary>The `verify` program: the paper's experiments, sweeps, benchmarks and diagnostics.</summary>
    static class Cli
    {
        /// <summary>Exit codes, documented in the README ("Exit codes") and in `verify --help`.</summary>
        internal static class Exit
        {
            public const int Ok = 0;
            /// <summary>Bad input on the command line: an unknown command or option, a value out of range.</summary>
            public const int Usage = 2;
            /// <summary>TorchSharp's native library cannot load.</summary>
            public const int NativeLibrary = 3;
            /// <summary>A file or folder cannot be read or written, or holds data that is not what it should be (named in the message).</summary>
            public const int Files = 4;
            /// <summary>`sweep collect`: runs of the manifest have no result yet (their indices are named); --partial collects anyway.</summary>
            public const int SweepIncomplete = 5;
            /// <summary>`sweep run`: at least one run failed; its error is in the sweep's failed/ folder.</summary>
            public const int RunsFailed = 6;
            /// <summary>An unexpected exception: a bug in the suite, reported with its type and message (EX_SOFTWARE of sysexits.h).</summary>
            public const int Internal = 70;
        }

        const string ExitCodes =
            "exit codes: 0 done, 2 usage error, 3 native library unavailable, 4 file error or refused data, " +
            "5 sweep incomplete, 6 sweep runs failed, 70 internal error (a bug: its type and message are printed; VERIFY_DEBUG=1 adds the stack trace)";

        static RootCommand Build() => new("verify: executable checks of Tian (ICML 2020), 'Student Specialization in Deep Rectified Networks'.\n" + ExitCodes)
        {
            ReproduceCommand.Create(),
            TwoLayerCommand.Create(),
            MultiLayerCommand.Create(),
            SweepCommand.Create(),
            HuntCommand.Create(),
            InfoCommand(),
            BenchCommand(),
            SchemasCommand(),
        };

        public static int Main(string[] args)
        {
            // Numbers in reports, JSON and messages are written the same way on every machine.
            System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            if (NativeBootstrap.RestartWithPreloadIfNeeded(args) is { } code) return code;
            return Execute(args);
        }

        /// <summary>Parses and runs one command in this process; returns its exit code (see <see cref="Exit"/>).</summary>
        internal static int Execute(string[] args) => Execute(args, Build());

        /// <summary>Runs one command of <paramref name="root"/> (tests pass a root with a command of their own).</summary>
        internal static int Execute(string[] args, RootCommand root)
        {
            if (args.Length > 0 && args[0] == "help") args = [.. args[1..], "--help"];
            if (args.Length == 0)
            {
                root.Parse(["--help"]).Invoke(Io());
                return Exit.Usage;
            }
            try
            {
                var parsed = root.Parse(args);
                if (parsed.Action is HelpAction) return parsed.Invoke(Io());
                if (parsed.Errors.Count > 0) return Fail(Describe(parsed), Exit.Usage);
                return parsed.Invoke(Io());
            }
            catch (UsageException e) { return Fail(e.Message, Exit.Usage); }
            catch (SweepIncompleteException e) { return Fail(e.Message, Exit.SweepIncomplete); }
            catch (NativeLibraryUnavailableException e) { return Fail(e.Message, Exit.NativeLibrary); }
            catch (IOException e) { return Fail(e.Message, Exit.Files); }
            catch (InvalidDataException e) { return Fail(e.Message, Exit.Files); }
            catch (UnauthorizedAccessException e) { return Fail(e.Message, Exit.Files); }
            catch (Exception e) when (Environment.GetEnvironmentVariable("VERIFY_DEBUG") != "1")
            {
                return Fail($"internal error: {e.GetType().FullName}: {e.Message} (a bug in verify; set VERIFY_DEBUG=1 for the stack trace)", Exit.Internal);
            }
        }

        static InvocationConfiguration Io() => new() { Output = Console.Out, Error = Console.Error, EnableDefaultExceptionHandler = false };

        /// <summary>The parse errors as one message: unknown commands and options named as such, the options' own checks as they wrote them.</summary>
        static string Describe(ParseResult parsed)
        {
            var command = parsed.CommandResult.Command;
            var unmatched = parsed.UnmatchedTokens;
            if (command is RootCommand && unmatched.Count > 0 && !unmatched[0].StartsWith('-'))
                return $"unknown command '{unmatched[0]}'; commands: {string.Join(", ", command.Subcommands.Select(c => c.Name))}.";
            var path = CommandPath(parsed);
            var unknown = unmatched.Where(t => t.StartsWith('-')).ToArray();
            if (unknown.Length > 0)
                return $"unknown option{(unknown.Length > 1 ? "s" : "")} {string.Join(", ", unknown)} for '{path}'; run 'verify {path} --help' for the options.";
            if (unmatched.Count > 0)
                return $"unexpected argument '{unmatched[0]}' for '{path}'; run 'verify {path} --help' for its usage.";
            return string.Join(" ", parsed.Errors.Select(e => e.Message).Distinct());
        }

        static string CommandPath(ParseResult parsed)
        {
            var names = new List<string>();
            for (var r = parsed.CommandResult; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
                names.Add(r.Command.Name);
            names.Reverse();
            return string.Join(' ', names);
        }

        static int Fail(string message, int code)
        {
            Console.Error.WriteLine($"verify: error: {message}");
            return code;
        }

        static Command InfoCommand()
        {
            var device = Options.Device();
            var command = new Command("info", "show the TorchSharp build, native-library status, threads and devices") { device };
            command.SetAction(r => Info.Run(r.GetValue(device)));
            return command;
        }

        static Command SchemasCommand()
        {
            var outDir = Options.String("--out", "docs/schemas", "DIR", "folder for the schema files");
            var command = new Command("schemas", "write the JSON Schema of every JSON output of `reproduce` (docs/outputs.md)") { outDir };
            command.SetAction(r =>
            {
                foreach (var path in Report.OutputSchemas.Write(r.GetValue(outDir)!)) Console.WriteLine($"wrote {path}");
                return 0;
            });
            return command;
        }

        static Command BenchCommand()
        {
            var json = Options.String("--json", null, "FILE", "also write the figures as JSON to FILE");
            var scale = Options.Double("--scale", 1.0, 0, 100, "multiplies the step counts (1: the documented run, about two minutes)", exclusiveMin: true);
            var repeats = Options.Int("--repeats", 3, 1, 20, "rounds of every measurement, the best kept");
            var command = new Command("bench", "measure training speed: steps/s single, batched, all cores (run with -c Release)") { json, scale, repeats };
            command.SetAction(r => Bench.Run(r.GetValue(json), r.GetValue(scale), r.GetValue(repeats)));
            return command;
        }
    }
}
