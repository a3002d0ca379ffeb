using NUnit.Framework;
using Shouldly;
using Verify.Model.Runtime;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Reliability;

/// <summary>
/// A seeded computation gives the same bits alone and with other work beside it: every draw takes
/// its own generator from a named seed stream, so neither another thread's training nor reseeding
/// and drawing from libtorch's global generator can reach it.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SameBitsTest
{
    const long RunSeed = 7;
    const long OtherRunSeed = 8;

    static readonly string[] Subjects = ["sgd-leaky", "teacher-aware-data"];

    [TestCaseSource(nameof(Subjects))]
    public void ASeededRun_GivesTheSameBitsAloneAndBesideOtherWork(string name)
    {
        var subject = Workloads.All().Single(w => w.Name == name);
        var seed = Seeds.Of(RunSeed, name);
        var alone = subject.Run(seed);

        double[] beside;
        var neighbour = new Neighbour(Workloads.All().Where(w => w.Name != name).ToArray());
        using (neighbour)
        {
            neighbour.WaitUntilBusy();
            beside = subject.Run(seed);
        }
        neighbour.Runs.ShouldBeGreaterThan(0, "the neighbour must have run beside the subject");

        var difference = Workloads.FirstDifference(alone, beside);
        difference.ShouldBeNull($"{name} (seed {seed}): the run beside other work differs from the run alone at index {difference}");
    }

    [TestCaseSource(nameof(Subjects))]
    public void AnotherSeed_GivesOtherBits(string name)
    {
        var subject = Workloads.All().Single(w => w.Name == name);
        Workloads.FirstDifference(subject.Run(Seeds.Of(RunSeed, name)), subject.Run(Seeds.Of(OtherRunSeed, name)))
            .ShouldNotBeNull($"{name}: two run seeds must give different fingerprints, or the comparison above could not fail");
    }

    /// <summary>Another thread that reseeds and draws from the global generator and runs other workloads, until disposed.</summary>
    sealed class Neighbour : IDisposable
    {
        readonly Thread thread;
        readonly ManualResetEventSlim busy = new();
        volatile bool stopping;
        int runs;
        Exception? failure;

        public Neighbour(IReadOnlyList<Workloads.Workload> work)
        {
            thread = new Thread(() =>
            {
                try
                {
                    for (var k = 0; !stopping; k++)
                    {
                        random.manual_seed(k);
                        using (var noise = randn(1000)) busy.Set();
                        work[k % work.Count].Run(Seeds.Of(k, "neighbour"));
                        Interlocked.Increment(ref runs);
                    }
                }
                catch (Exception e)
                {
                    failure = e;
                    busy.Set();
                }
            }) { IsBackground = true, Name = "neighbour" };
            thread.Start();
        }

        public int Runs => Volatile.Read(ref runs);

        public void WaitUntilBusy() => busy.Wait();

        public void Dispose()
        {
            stopping = true;
            thread.Join();
            busy.Dispose();
            if (failure is not null) throw new InvalidOperationException($"the neighbour's own work failed: {NativeFailure.Describe(failure)}", failure);
        }
    }
}
