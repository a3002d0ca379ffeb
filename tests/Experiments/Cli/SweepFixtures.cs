using System.Diagnostics;
using System.Text.Json.Nodes;
using Verify.TestSupport;

namespace Verify.Experiments.Cli;

/// <summary>
/// Small sweeps for the sweep tests: a temporary folder per sweep, `verify` run in this process or
/// as a child process (with environment variables, as a Slurm task or Kubernetes pod runs it).
/// </summary>
static class SweepFixtures
{
    /// <summary>8 runs of a few hundred steps each (well under a second per run).</summary>
    public static readonly string[] TinyTwoLayer =
    [
        "--d", "8", "--m", "3", "--multi", "1,2", "--decay", "0,1", "--seeds", "1-2", "--epochs", "2", "--iters-per-epoch", "150",
        "--n-train", "64", "--n-eval", "50", "--outputs", "5",
    ];

    /// <summary>Two runs of 40,000 steps each (a second or more each): the second is still training when the first result appears.</summary>
    public static readonly string[] TwoLongRuns =
    [
        "--d", "20", "--m", "5", "--multi", "1,2", "--decay", "1", "--seeds", "1", "--epochs", "10", "--iters-per-epoch", "4000",
        "--n-train", "400", "--n-eval", "400", "--outputs", "10",
    ];

    public static string NewFolder(List<string> owned)
    {
        var dir = Directory.CreateTempSubdirectory("verify-sweep-").FullName;
        owned.Add(dir);
        return dir;
    }

    /// <summary>Runs `verify` in this process, capturing what it prints.</summary>
    public static ProgramRun Here(params string[] args)
    {
        var (savedOut, savedError) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try { return new ProgramRun(Verify_Cli(args), stdout.ToString(), stderr.ToString()); }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedError);
        }
    }

    static int Verify_Cli(string[] args) => global::Verify.Cli.Cli.Execute(args);

    /// <summary>Plans a two-layer sweep into <paramref name="dir"/>; fails the test if planning fails.</summary>
    public static void Plan(string dir, string[] knobs)
    {
        var run = Here(["sweep", "plan", "two-layer", .. knobs, "--out", dir]);
        if (run.ExitCode != 0) throw new InvalidOperationException($"planning failed: {run}");
    }

    /// <summary>`verify` as a child process, started and returned at once.</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args) => VerifyProgram.Start(environment, args);

    /// <summary>`verify` as a child process, waited for (at most <paramref name="limit"/>).</summary>
    public static ProgramRun Child(IReadOnlyDictionary<string, string>? environment, TimeSpan limit, params string[] args) =>
        VerifyProgram.Run(environment, limit, args);

    /// <summary>runs.jsonl without the timings: what must be equal however the sweep was run.</summary>
    public static string[] RunsWithoutTimings(string dir) =>
        File.ReadAllLines(Path.Combine(dir, "runs.jsonl")).Select(line =>
        {
            var node = JsonNode.Parse(line)!.AsObject();
            node.Remove("seconds");
            return node.ToJsonString();
        }).ToArray();

    public static string[] ResultFiles(string dir) =>
        Directory.Exists(Path.Combine(dir, "results")) ? Directory.GetFiles(Path.Combine(dir, "results")).Select(Path.GetFileName).OfType<string>().Order().ToArray() : [];
}
