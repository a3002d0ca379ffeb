using NUnit.Framework;
using Shouldly;
using Verify.Model.Runtime;
using Verify.Model.Training;
using Verify.TestSupport;

namespace Verify.Properties.Reliability;

/// <summary>
/// Training on both cores while another thread forces garbage collections in a loop ends with no
/// native error and with the numbers of a quiet run, bit for bit, on every path the sweeps and
/// properties use (<see cref="Workloads.All"/>). Before every number reached libtorch through
/// <see cref="Scalars"/>, such collections freed temporary scalars mid-call (a c10 "toDouble" error).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class GcPressureTest
{
    const long RunSeed = 20261127;

    /// <remarks>
    /// Size 8: the storm must collect more often than runs end, and it collects as fast as it can, so
    /// the runs must last. At size 2 the faster step of 2026-11-28 left 70 collections for 84 runs in
    /// a fresh-clone CI run, beside the other test project on the same 2 cores (228 alone).
    /// </remarks>
    [Test]
    public void EveryTrainingPath_UnderForcedCollections_OnBothCores_GivesTheQuietNumbers() => Check(size: 8, rounds: 12);

    [Test]
    [Category("Nightly")]
    public void EveryTrainingPath_UnderForcedCollections_OnBothCores_GivesTheQuietNumbers_Long() => Check(size: 8, rounds: 100);

    sealed record Job(Workloads.Workload Work, int Round)
    {
        public override string ToString() => $"{Work.Name}, round {Round}";
    }

    static void Check(int size, int rounds)
    {
        var work = Workloads.All(size);
        var quiet = work.ToDictionary(w => w.Name, w => w.Run(Seeds.Of(RunSeed, w.Name)));
        var jobs = Enumerable.Range(1, rounds).SelectMany(r => work.Select(w => new Job(w, r))).ToArray();

        double[][] stressed;
        int collections;
        using (var storm = new GcStorm())
        {
            stressed = TrialRunner.RunAll(jobs, job => job.Work.Run(Seeds.Of(RunSeed, job.Work.Name)), workers: 2);
            collections = storm.Collections;
        }

        TestContext.Out.WriteLine($"{jobs.Length} runs of {work.Count} workloads on 2 workers under {collections} forced collections (run seed {RunSeed})");
        collections.ShouldBeGreaterThan(jobs.Length, "the storm must collect many times while the runs go on, or it tested nothing");
        for (var i = 0; i < jobs.Length; i++)
        {
            var difference = Workloads.FirstDifference(quiet[jobs[i].Work.Name], stressed[i]);
            difference.ShouldBeNull($"{jobs[i]}: under forced collections the fingerprint differs from the quiet run's at index {difference} (run seed {RunSeed})");
        }
    }
}
