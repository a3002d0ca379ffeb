using System.Text;

namespace Verify.Model.Runtime;

/// <summary>
/// Named seed streams: every random draw of a run takes its seed from the run seed and a name,
/// <c>Seeds.Of(runSeed, "train-inputs")</c>, never from <c>runSeed + k</c>. Offsets collide across
/// runs (seed s's "+2" stream is seed s + 1's "+1" stream); a hash of (seed, name) does not.
/// </summary>
/// <remarks>
/// The derivation is SplitMix64 (Steele, Lea and Flood, 2014) applied to the run seed, mixed with the
/// 64-bit FNV-1a hash of the name's UTF-8 bytes, and mixed again. It is fixed: changing it changes
/// every seeded number the suite reports. Results are masked to 63 bits so they print as positive
/// numbers and round-trip through <c>long</c>.
/// </remarks>
public static class Seeds
{
    /// <summary>The seed of stream <paramref name="name"/> of run <paramref name="runSeed"/>.</summary>
    public static long Of(long runSeed, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return (long)(Mix(Mix((ulong)runSeed) ^ Fnv1a(name)) & long.MaxValue);
    }

    /// <summary>The seed of the <paramref name="index"/>-th member of stream <paramref name="name"/>
    /// (case k of a generated batch, trial k of a sweep).</summary>
    public static long Of(long runSeed, string name, long index) =>
        (long)(Mix((ulong)Of(runSeed, name) ^ Mix((ulong)index + 0x632BE59BD9B4E019UL)) & long.MaxValue);

    /// <summary>SplitMix64's finalizer: a bijection of 64-bit words with full avalanche.</summary>
    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    static ulong Fnv1a(string name)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash ^= b;
            hash *= 0x100000001B3UL;
        }
        return hash;
    }
}
