using System.Globalization;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Shouldly;

namespace Verify.Experiments.Cli;

/// <summary>
/// Same seed, same numbers: two `two-layer` sweeps with the same seeds and configuration write
/// identical runs.jsonl files, bit for bit, apart from the timings; whether the runs go one after
/// another or spread over both cores. Another seed changes them (the control).
/// </summary>
[TestFixture]
public sealed class DeterminismTest
{
    readonly List<string> folders = [];

    [TearDown]
    public void RemoveFolders()
    {
        foreach (var f in folders) Directory.Delete(f, recursive: true);
        folders.Clear();
    }

    string[] Sweep(string seeds, int workers, params string[] dropFields)
    {
        var dir = Directory.CreateTempSubdirectory("verify-determinism-").FullName;
        folders.Add(dir);
        var code = Verify.Cli.Cli.Execute(["two-layer", "--d", "8", "--m", "3", "--multi", "1,3", "--decay", "1", "--seeds", seeds,
            "--epochs", "2", "--iters-per-epoch", "200", "--n-train", "128", "--n-eval", "64", "--outputs", "5", "--workers", workers.ToString(CultureInfo.InvariantCulture), "--out", dir]);
        code.ShouldBe(0);
        return File.ReadAllLines(Path.Combine(dir, "runs.jsonl")).Select(l => Without(l, ["seconds", .. dropFields])).ToArray();
    }

    /// <summary>The line without the given fields, as written otherwise (numbers round-trip exactly).</summary>
    static string Without(string line, string[] fields)
    {
        var node = JsonNode.Parse(line)!.AsObject();
        foreach (var f in fields) node.Remove(f);
        return node.ToJsonString();
    }

    [Test]
    public void TheSameSeeds_WriteIdenticalRuns_SerialOrOnAllCores()
    {
        var first = Sweep("1-2", workers: 1);
        var again = Sweep("1-2", workers: 1);
        var parallel = Sweep("1-2", workers: 2);
        first.Length.ShouldBe(4);
        again.ShouldBe(first, "two serial sweeps with seeds 1-2");
        parallel.ShouldBe(first, "a sweep on two workers against the serial one, seeds 1-2");
    }

    [Test]
    public void AnotherSeed_WritesOtherNumbers()
    {
        // The seed field itself is dropped, so only the measured numbers can make the runs differ.
        var one = Sweep("1", workers: 1, "seed");
        var other = Sweep("2", workers: 1, "seed");
        other.ShouldNotBe(one);
    }
}
