namespace ModelGen.Generator.Model
{
    /// <summary>The sizes ModelGen accepts; larger declarations get MG0014.</summary>
    internal static class Limits
    {
        /// <summary>The largest layer width supported (activations live in stack buffers of this many floats).</summary>
        public const int MaxWidth = 16384;

        /// <summary>The largest parameter count (the parameters live in one <c>float[]</c>).</summary>
        public const long MaxParameters = int.MaxValue / 4;
    }
}
