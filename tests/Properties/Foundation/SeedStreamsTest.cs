using NUnit.Framework;
using Shouldly;
using Verify.Model.Runtime;

namespace Verify.Properties.Foundation;

/// <summary>
/// Named seed streams never collide: within one run the streams differ from each other, and no
/// stream of one run seed equals any stream of another. The offset scheme they replaced
/// (training inputs one above the run seed, eval inputs two above) fails the same check: seed s's eval inputs
/// were seed s + 1's training inputs.
/// </summary>
[TestFixture]
public sealed class SeedStreamsTest
{
    static readonly string[] Streams = ["teacher", "train-inputs", "eval-inputs", "student", "batches", "other-teacher"];

    /// <summary>Every (run seed, stream) pair whose derived seed another pair already took.</summary>
    static List<string> Collisions(IEnumerable<long> runSeeds, Func<long, string, long> derive)
    {
        var owner = new Dictionary<long, string>();
        var collisions = new List<string>();
        foreach (var seed in runSeeds)
            foreach (var stream in Streams)
            {
                var derived = derive(seed, stream);
                if (!owner.TryAdd(derived, $"(seed {seed}, {stream})"))
                    collisions.Add($"(seed {seed}, {stream}) = {owner[derived]} = {derived}");
            }
        return collisions;
    }

    [Test]
    public void NamedStreams_OfTenThousandRunSeeds_AreAllDistinct()
    {
        var collisions = Collisions(Enumerable.Range(0, 10_000).Select(s => (long)s), Seeds.Of);
        collisions.ShouldBeEmpty(string.Join("\n", collisions.Take(10)));
    }

    [Test]
    public void TheOffsetScheme_IsCaughtByTheSameCheck()
    {
        var offsets = Streams.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => (long)p.k);
        var collisions = Collisions(Enumerable.Range(1, 5).Select(s => (long)s), (seed, stream) => seed + offsets[stream]);
        collisions.ShouldContain(c => c.StartsWith("(seed 2, train-inputs) = (seed 1, eval-inputs)"), string.Join("\n", collisions));
    }

    [Test]
    public void IndexedMembers_OfAStream_AreDistinct_AndDifferFromTheStreamItself()
    {
        var members = Enumerable.Range(0, 10_000).Select(k => Seeds.Of(42, "case", k)).ToList();
        members.Distinct().Count().ShouldBe(members.Count);
        members.ShouldNotContain(Seeds.Of(42, "case"));
    }

    [Test]
    public void TheDerivation_IsFixed_AndNonNegative()
    {
        // Two calls agree (no hidden state), and every derived seed is a valid non-negative long.
        Seeds.Of(1, "teacher").ShouldBe(Seeds.Of(1, "teacher"));
        Enumerable.Range(-50, 100).SelectMany(s => Streams.Select(n => Seeds.Of(s, n))).ShouldAllBe(v => v >= 0);
        Should.Throw<ArgumentException>(() => Seeds.Of(1, ""));
    }
}
