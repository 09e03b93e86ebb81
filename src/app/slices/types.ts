import type { StateCreator } from 'zustand';
import type { DesignSlice } from './designSlice';
import type { UiSlice } from './uiSlice';
import type { RunSlice } from './runSlice';
import type { CompareSlice } from './compareSlice';
import type { PlannerSlice } from './plannerSlice';

/** The whole store: one bound store made of slices (zustand slices pattern). */
export type AppState = DesignSlice & UiSlice & RunSlice & CompareSlice & PlannerSlice;
export type SliceCreator<T> = StateCreator<AppState, [], [], T>;
