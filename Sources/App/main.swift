BenchDynamics.main()
