// Two namespaces planted for LayerTest: with Low below High, each type of Low named By... reaches up
// into High in one way the dependency reader must see, and High uses Low both ways a layer can (its
// data, and its code). Nothing else uses these types.

namespace Verify.Properties.Layers.Planted.Low
{
    /// <summary>Data of the low layer.</summary>
    public sealed record Reading(int Value);

    /// <summary>Code of the low layer.</summary>
    public static class Source
    {
        public static Reading Next() => new(1);
    }

    /// <summary>Up by a static call in a method body (no signature names High).</summary>
    public static class ByStaticCall
    {
        public static int Read() => High.Gauge.Read();
    }

    /// <summary>Up by <c>new</c> in a method body.</summary>
    public static class ByNew
    {
        public static int Read() => new High.Gauge().Value;
    }

    /// <summary>Up by a property's type.</summary>
    public sealed class ByProperty
    {
        public High.Meter? Meter { get; set; }
    }

    /// <summary>Up from inside a lambda (the compiler's nested closure class).</summary>
    public static class ByLambda
    {
        public static Func<int> Reader() => () => High.Gauge.Read();
    }
}

namespace Verify.Properties.Layers.Planted.High
{
    /// <summary>Uses the low layer's code (<see cref="Low.Source"/>) and, through its signature, its data.</summary>
    public sealed class Gauge
    {
        public int Value => 2;

        public static int Read() => Low.Source.Next().Value;
    }

    public sealed class Meter
    {
        public int Count { get; init; }
    }

    /// <summary>Reads only the low layer's data.</summary>
    public static class Judge
    {
        public static bool Holds(Low.Reading reading) => reading.Value > 0;
    }
}
